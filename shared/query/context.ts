import type { S3Client } from '@aws-sdk/client-s3';
import type { BlockRows } from '../chunk/block';
import type { ChunkIndex } from '../chunk/chunk-index';
import type { OrdinalSet } from '../codec/ordinal-set';
import type { BlockCompressor } from '../codec/zstd';
import { CLOSE_AFTER_MS } from '../layout/day';
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
  /** All that this context keeps between queries but decoded blocks, in one budget of bytes: the shelves below. */
  readonly cache: ByteBudgetCache;
  /** Decoded blocks, in a budget of their own (DECODED_BLOCKS_SHARE of cacheBytes), so that a long scan evicts blocks, not heads. */
  readonly decoded: ByteBudgetCache;
  /** Opened chunk heads by key and ETag: chunks are immutable, so an entry never goes stale. */
  readonly heads: CacheShelf<ChunkIndex>;
  /** Small objects read whole (see wholeObjectBytes), by key and ETag: their bitmaps and blocks need no other request. */
  readonly objects: CacheShelf<Uint8Array>;
  /** Bitmap reads by key, ETag and byte range (immutable too): a repeated actor, or the next page, reads none. */
  readonly postings: CacheShelf<Uint8Array>;
  /** AND results over compacted days' indexes, by index and actors: each of a day's sources takes its part. */
  readonly dayMatches: CacheShelf<OrdinalSet>;
  /**
   * Decoded blocks, least recently used first out: a warm query, or the next page, reads its rows without
   * decompressing again (a re-encoded day's 256 KiB block costs ~0.5 ms to decompress and decode for a row or two).
   */
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
  /** An object a head is read from (writer chunk, segment, compacted day's index) of at most this many bytes is read whole when first opened. */
  readonly wholeObjectBytes: number;
  /** Days whose sources are read ahead of need at once while no day read so far is known to fill the page. */
  readonly lookaheadDays: number;
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
   * Bytes the context may keep between queries (chunk heads, bitmaps, day sources, blocks compressed
   * and decoded; a quarter of it, DECODED_BLOCKS_SHARE, is the decoded blocks'); 0 keeps nothing.
   * @default 268435456 (256 MiB: a quarter of a 1,024 MB Lambda, leaving the runtime and one query's
   * working set the rest)
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
  /**
   * Needed blocks closer than this many bytes are read in one ranged GET. Block reads run in parallel,
   * so a GET saved saves no wait but a request's cost, while the gap's bytes lengthen the read that takes
   * them: at 1 MiB a rare actor's few rows in a compacted day's 256 KiB blocks may read the whole day's
   * data (3.4 MB, ~38 ms of transfer on S3); at 256 KiB, their own ~0.5 MB in more GETs. Measured the same
   * time on the modeled S3 for rare all over six days, 60 GETs against 73 (docs/benchmarks.md).
   * @default 1048576 (on S3 ~11 ms of transfer, half the first byte's ~20 ms)
   */
  readonly maxGap?: number;
  /**
   * A writer chunk, a merged segment or a compacted day's index object this small is read whole the
   * first time it is opened: one GET for what would be two or three dependent ones (head, then bitmaps
   * or actor columns, then a chunk's blocks).
   * @default 1048576 (on S3 ~11 ms of transfer, half the first byte's ~20 ms: one GET fewer in a chain of dependent ones)
   */
  readonly wholeObjectBytes?: number;
  /**
   * Days read ahead of need at once (their metadata, segment heads and compacted heads) once a first
   * day is read and the days read cannot fill the page: a query over N days then costs a few round
   * trips of metadata, not N chains of them. A day read ahead and not needed costs its GETs (a few).
   * @default 8
   */
  readonly lookaheadDays?: number;
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
/**
 * The part of cacheBytes that holds decoded blocks: 64 MiB by default, which keeps every block of about
 * four re-encoded days (~17 MB decoded each) or ~1,000 writer-chunk blocks, while heads, bitmaps, day
 * sources and compressed blocks keep the other 192 MiB.
 */
export const DECODED_BLOCKS_SHARE = 0.25;
export const DEFAULT_DAY_TTL_MS = { open: 5_000, closed: 600_000 };
/** What one chunk reference of a cached day costs in memory besides its key. */
const CHUNK_REF_BYTES = 400;

export function createQueryContext(options: QueryContextOptions): QueryContext {
  const {
    cacheBytes = DEFAULT_CACHE_BYTES,
    concurrency = 8,
    maxGap = 1_048_576,
    wholeObjectBytes = 1_048_576,
    lookaheadDays = 8,
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
  if (!Number.isInteger(wholeObjectBytes) || wholeObjectBytes < 0)
    throw new RangeError(`wholeObjectBytes must be a non-negative integer (given ${wholeObjectBytes})`);
  if (!Number.isInteger(lookaheadDays) || lookaheadDays < 1)
    throw new RangeError(`lookaheadDays must be a positive integer (given ${lookaheadDays})`);
  for (const [name, ms] of Object.entries(dayTtlMs)) {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`dayTtlMs.${name} must be a non-negative integer (given ${ms})`);
  }
  if (!Number.isSafeInteger(cacheBytes) || cacheBytes < 0)
    throw new RangeError(`cacheBytes must be a non-negative integer (given ${cacheBytes})`);
  const decoded = new ByteBudgetCache(Math.floor(cacheBytes * DECODED_BLOCKS_SHARE));
  const cache = new ByteBudgetCache(cacheBytes - decoded.maxBytes);
  return {
    ...rest,
    cache,
    decoded,
    heads: cache.shelf<ChunkIndex>('head', (index) => index.memoryBytes),
    objects: cache.shelf<Uint8Array>('object', retainedBytes),
    postings: cache.shelf<Uint8Array>('bitmap', retainedBytes),
    dayMatches: cache.shelf<OrdinalSet>('match', (set) => set.memoryBytes),
    blocks: decoded.shelf<BlockRows>('block', (rows) => rows.memoryBytes),
    blockBytes: cache.shelf<Uint8Array>('blockBytes', retainedBytes),
    readAheadBytes,
    days: cache.shelf<CachedDay>('day', (day) => day.refs.reduce((sum, ref) => sum + CHUNK_REF_BYTES + 2 * ref.key.length, 0)),
    inflight: new Map(),
    writerHint: { names: [] },
    concurrency,
    maxGap,
    wholeObjectBytes,
    lookaheadDays,
    dayTtlMs,
    closeAfterMs,
    now,
  };
}
