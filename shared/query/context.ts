import type { S3Client } from '@aws-sdk/client-s3';
import type { ChunkIndex } from '../chunk/chunk-index';
import type { BlockCompressor } from '../codec/zstd';
import type { KeyLayout } from '../layout/keys';
import { LruCache } from '../util/lru';

/** Everything a query reads with, shared across the queries of one warm Lambda. */
export interface QueryContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  /** Opened chunk heads by key and ETag: chunks are immutable, so an entry never goes stale. */
  readonly heads: LruCache<string, ChunkIndex>;
  /** Bitmap reads by key, ETag and byte range (immutable too): a repeated actor, or the next page, reads none. */
  readonly postings: LruCache<string, Uint8Array>;
  /** AND results over compacted days' indexes, by index and actors: each of a day's sources takes its part. */
  readonly dayMatches: LruCache<string, Uint32Array>;
  /** Head and bitmap reads under way, by cache key: the sources of a compacted day share one index. */
  readonly inflight: Map<string, Promise<unknown>>;
  /** Writers seen on the last day listed: their manifests are fetched while the day is being listed. */
  readonly writerHint: { names: readonly string[] };
  /** S3 requests in flight at once for one step (manifests, chunk heads, blocks of a chunk). */
  readonly concurrency: number;
  /** Needed blocks closer than this many bytes are read in one ranged GET. */
  readonly maxGap: number;
}

export interface QueryContextOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  /** Chunk heads kept in memory, and as many bitmap reads. @default 2000 */
  readonly cacheEntries?: number;
  /** @default 8 */
  readonly concurrency?: number;
  /** @default 65536 (a 64 KiB gap costs less than another S3 request) */
  readonly maxGap?: number;
}

/** Compacted days' AND results kept: a few days of recent queries (a hot actor's is ~100 KiB a day). */
const DAY_MATCHES = 64;

export function createQueryContext(options: QueryContextOptions): QueryContext {
  const { cacheEntries = 2000, concurrency = 8, maxGap = 65_536, ...rest } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer (given ${concurrency})`);
  if (!Number.isInteger(maxGap) || maxGap < 0) throw new RangeError(`maxGap must be a non-negative integer (given ${maxGap})`);
  return {
    ...rest,
    heads: new LruCache(cacheEntries),
    postings: new LruCache(cacheEntries),
    dayMatches: new LruCache(DAY_MATCHES),
    inflight: new Map(),
    writerHint: { names: [] },
    concurrency,
    maxGap,
  };
}
