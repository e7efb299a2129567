import { type BucketSettings, readBucketSettings, readCloseAfterMs } from '../../shared/config/bucket-settings';
import { type Env, optionalInt, optionalString } from '../../shared/config/env';
import { DEFAULT_CACHE_BYTES, DEFAULT_DAY_TTL_MS } from '../../shared/query/context';

const MB = 1024 * 1024;

export interface QueryConfig extends BucketSettings {
  /** Widest accepted |to - from|, in days. */
  readonly maxSpanDays: number;
  /** Days the bucket keeps objects (TALES_RETENTION_DAYS, set by the stack from its retention); 0: forever. */
  readonly retentionDays: number;
  /** Bytes of chunk heads, bitmaps, day sources and blocks kept in memory between invocations. */
  readonly cacheBytes: number;
  /** How long after its end a day may still gain chunks (TALES_CLOSE_AFTER_MS, as the compactor reads it). */
  readonly closeAfterMs: number;
  /**
   * How long a warm instance reuses an open day's writer list and manifests before reading them again
   * (TALES_OPEN_DAY_CACHE_MS): a chunk written meanwhile waits up to this long to be seen.
   */
  readonly openDayCacheMs: number;
  /** IAM role and user ARNs that may erase (TALES_ERASERS, comma-separated; set by TalesLog.grantErase). */
  readonly erasers: readonly string[];
}

/** The query Lambda's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readQueryConfig(env: Env): QueryConfig {
  return {
    ...readBucketSettings(env),
    maxSpanDays: optionalInt(env, 'TALES_MAX_SPAN_DAYS', 366, 1, 36_600),
    retentionDays: optionalInt(env, 'TALES_RETENTION_DAYS', 0, 0, 36_500),
    cacheBytes: optionalInt(env, 'TALES_CACHE_MB', DEFAULT_CACHE_BYTES / MB, 0, 10_240) * MB,
    closeAfterMs: readCloseAfterMs(env),
    openDayCacheMs: optionalInt(env, 'TALES_OPEN_DAY_CACHE_MS', DEFAULT_DAY_TTL_MS.open, 0, DEFAULT_DAY_TTL_MS.closed),
    erasers: optionalString(env, 'TALES_ERASERS', '')
      .split(',')
      .map((arn) => arn.trim())
      .filter((arn) => arn !== ''),
  };
}
