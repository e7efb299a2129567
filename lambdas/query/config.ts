import { type Env, optionalInt, optionalString, requireString } from '../../shared/config/env';

export interface QueryConfig {
  readonly region: string;
  readonly bucket: string;
  /** Key prefix of the data ('' or ending in '/'). */
  readonly prefix: string;
  /** Widest accepted |to - from|, in days. */
  readonly maxSpanDays: number;
  /** Chunk heads kept in memory between invocations. */
  readonly cacheEntries: number;
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
    prefix: optionalString(env, 'TALES_PREFIX', ''),
    maxSpanDays: optionalInt(env, 'TALES_MAX_SPAN_DAYS', 366, 1, 36_600),
    cacheEntries: optionalInt(env, 'TALES_CACHE_ENTRIES', 2000, 0, 1_000_000),
    erasers: optionalString(env, 'TALES_ERASERS', '')
      .split(',')
      .map((arn) => arn.trim())
      .filter((arn) => arn !== ''),
    ...(s3Endpoint ? { s3Endpoint } : {}),
  };
}
