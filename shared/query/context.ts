import type { S3Client } from '@aws-sdk/client-s3';
import type { BlockRows } from '../chunk/block';
import type { ChunkIndex } from '../chunk/chunk-index';
import type { OrdinalSet } from '../codec/ordinal-set';
import type { BlockCompressor } from '../codec/zstd';
import { CLOSE_AFTER_MS } from '../compact/compact-day';
import type { KeyLayout } from '../layout/keys';
import { ByteBudgetCache, type CacheShelf, retainedBytes } from '../util/byte-cache';
import type { ChunkRef } from './day-sources';

/** A day's sources as last read, and until when they may be used without reading them again. */
export interface CachedDay {
  readonly refs: readonly ChunkRef[];
  readonly expires: number;
}

/** Everything a query reads with, shared across the queries of one warm Lambda. */
export interface QueryContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  /** All that this context keeps between queries, in one budget of bytes: the shelves below. */
  readonly cache: ByteBudgetCache;
  /** Opened chunk heads by key and ETag: chunks are immutable, so an entry never goes stale. */
  readonly heads: CacheShelf<ChunkIndex>;
  /** Bitmap reads by key, ETag and byte range (immutable too): a repeated actor, or the next page, reads none. */
  readonly postings: CacheShelf<Uint8Array>;
  /** AND results over compacted days' indexes, by index and actors: each of a day's sources takes its part. */
  readonly dayMatches: CacheShelf<OrdinalSet>;
  /** Decoded blocks that a query read but did not consume (where a page stopped, or read ahead): the next page's start. */
  readonly blocks: CacheShelf<BlockRows>;
  /** Compressed blocks read (or read ahead of need, see readAheadBytes): a later wave, page or query decodes them without a request. */
  readonly blockBytes: CacheShelf<Uint8Array>;
  /** Bytes of the blocks a query will want next that each block read takes along. */
  readonly readAheadBytes: number;
  /** Each day's sources (list + manifests, or compacted metadata), until its expiry (see dayTtlMs). */
  readonly days: CacheShelf<CachedDay>;
  /** Head and bitmap reads under way, by cache key: the sources of a compacted day share one index. */
  readonly inflight: Map<string, Promise<unknown>>;
  /** Writers seen on the last day listed: their manifests are fetched while the day is being listed. */
  readonly writerHint: { names: readonly string[] };
  /** S3 requests in flight at once for one step (manifests, chunk heads, blocks of a chunk). */
  readonly concurrency: number;
  /** Needed blocks closer than this many bytes are read in one ranged GET. */
  readonly maxGap: number;
  /** How long a day's sources are used before reading them again: an open day's, and a closed day's. */
  readonly dayTtlMs: { readonly open: number; readonly closed: number };
  /** How long after its end a day may still gain chunks (then it is closed). */
  readonly closeAfterMs: number;
  /** Clock for day expiries and for which days are still open. */
  readonly now: () => number;
}

export interface QueryContextOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
  /**
   * Bytes the context may keep between queries (chunk heads, bitmaps, day sources, blocks a page
   * stopped in); 0 keeps nothing. @default 268435456 (256 MiB: a quarter of a 1,024 MB Lambda,
   * leaving the runtime and one query's working set the rest)
   */
  readonly cacheBytes?: number;
  /** @default 8 */
  readonly concurrency?: number;
  /**
   * Bytes of the blocks a query wants next that a block read takes along (neighbours within maxGap),
   * kept compressed in the cache: the next page, or the next wave, starts without a request.
   * @default 262144 (on S3 ~3 ms of transfer, against ~20 ms for another request)
   */
  readonly readAheadBytes?: number;
  /** @default 65536 (a 64 KiB gap costs less than another S3 request) */
  readonly maxGap?: number;
  /**
   * How long a day's list of writers and their manifests (or its compacted metadata) is used
   * before it is read again. `open`: days that may still gain chunks (today, and any day that ended
   * less than 26 h ago, the ingest skew plus the batching delay). `closed`: older days; kept below
   * the compactor's grace period (1 h), so that a list never outlives the chunks it names.
   * @default { open: 5000, closed: 600000 }
   */
  readonly dayTtlMs?: { readonly open: number; readonly closed: number };
  /**
   * How long after its end a day may still gain chunks: the ingest skew window plus the batching delay.
   * A wider skew (a backfill) needs a wider value here, or a closed day's new chunks wait for its TTL.
   * @default CLOSE_AFTER_MS (26 h), as the compactor
   */
  readonly closeAfterMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_DAY_TTL_MS = { open: 5_000, closed: 600_000 };
/** What one chunk reference of a cached day costs in memory besides its key. */
const CHUNK_REF_BYTES = 400;

export function createQueryContext(options: QueryContextOptions): QueryContext {
  const {
    cacheBytes = DEFAULT_CACHE_BYTES,
    concurrency = 8,
    maxGap = 65_536,
    readAheadBytes = 262_144,
    dayTtlMs = DEFAULT_DAY_TTL_MS,
    closeAfterMs = CLOSE_AFTER_MS,
    now = Date.now,
    ...rest
  } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer (given ${concurrency})`);
  if (!Number.isInteger(readAheadBytes) || readAheadBytes < 0)
    throw new RangeError(`readAheadBytes must be a non-negative integer (given ${readAheadBytes})`);
  if (!Number.isInteger(maxGap) || maxGap < 0) throw new RangeError(`maxGap must be a non-negative integer (given ${maxGap})`);
  for (const [name, ms] of Object.entries(dayTtlMs)) {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`dayTtlMs.${name} must be a non-negative integer (given ${ms})`);
  }
  const cache = new ByteBudgetCache(cacheBytes);
  return {
    ...rest,
    cache,
    heads: cache.shelf<ChunkIndex>('head', (index) => index.memoryBytes),
    postings: cache.shelf<Uint8Array>('bitmap', retainedBytes),
    dayMatches: cache.shelf<OrdinalSet>('match', (set) => set.memoryBytes),
    blocks: cache.shelf<BlockRows>('block', (rows) => rows.memoryBytes),
    blockBytes: cache.shelf<Uint8Array>('blockBytes', retainedBytes),
    readAheadBytes,
    days: cache.shelf<CachedDay>('day', (day) => day.refs.reduce((sum, ref) => sum + CHUNK_REF_BYTES + 2 * ref.key.length, 0)),
    inflight: new Map(),
    writerHint: { names: [] },
    concurrency,
    maxGap,
    dayTtlMs,
    closeAfterMs,
    now,
  };
}
