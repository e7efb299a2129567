import { CLOSE_AFTER_MS } from '../../shared/compact/compact-day';
import { type Env, optionalInt, optionalLayout, optionalString, requireString } from '../../shared/config/env';
import type { KeyLayout } from '../../shared/layout/keys';
import { DEFAULT_CACHE_BYTES } from '../../shared/query/context';

const MB = 1024 * 1024;

export interface QueryConfig {
  readonly region: string;
  readonly bucket: string;
  /** Keys below TALES_PREFIX. */
  readonly layout: KeyLayout;
  /** Widest accepted |to - from|, in days. */
  readonly maxSpanDays: number;
  /** Days the bucket keeps objects (TALES_RETENTION_DAYS, set by the stack from its retention); 0: forever. */
  readonly retentionDays: number;
  /** Bytes of chunk heads, bitmaps, day sources and blocks kept in memory between invocations. */
  readonly cacheBytes: number;
  /** How long after its end a day may still gain chunks (TALES_CLOSE_AFTER_MS, as the compactor reads it). */
  readonly closeAfterMs: number;
  /** IAM role and user ARNs that may erase (TALES_ERASERS, comma-separated; set by TalesLog.grantErase). */
  readonly erasers: readonly string[];
  /** A local S3 server (s3rver); unset in AWS. */
  readonly s3Endpoint?: string;
}

/** The query Lambda's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readQueryConfig(env: Env): QueryConfig {
  const s3Endpoint = optionalString(env, 'TALES_S3_ENDPOINT', '');
  return {
    region: optionalString(env, 'AWS_REGION', 'us-east-1'),
    bucket: requireString(env, 'TALES_BUCKET'),
    layout: optionalLayout(env, 'TALES_PREFIX'),
    maxSpanDays: optionalInt(env, 'TALES_MAX_SPAN_DAYS', 366, 1, 36_600),
    retentionDays: optionalInt(env, 'TALES_RETENTION_DAYS', 0, 0, 36_500),
    cacheBytes: optionalInt(env, 'TALES_CACHE_MB', DEFAULT_CACHE_BYTES / MB, 0, 10_240) * MB,
    closeAfterMs: optionalInt(env, 'TALES_CLOSE_AFTER_MS', CLOSE_AFTER_MS, 0, 366 * 86_400_000),
    erasers: optionalString(env, 'TALES_ERASERS', '')
      .split(',')
      .map((arn) => arn.trim())
      .filter((arn) => arn !== ''),
    ...(s3Endpoint ? { s3Endpoint } : {}),
  };
}
