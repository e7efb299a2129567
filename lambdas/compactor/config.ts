import { CLOSE_AFTER_MS } from '../../shared/compact/compact-day';
import { ConfigError, type Env, optionalInt, optionalLayout, optionalString, requireString } from '../../shared/config/env';
import type { KeyLayout } from '../../shared/layout/keys';

export interface CompactorConfig {
  readonly region: string;
  readonly bucket: string;
  /** Keys below TALES_PREFIX. */
  readonly layout: KeyLayout;
  readonly closeAfterMs: number;
  readonly graceMs: number;
  readonly lookbackDays: number;
  /** UploadPartCopy for large regions; off for local servers without it. */
  readonly serverSideCopy: boolean;
  /**
   * The consumer's failure destination, purged of erased actors' records (TALES_FAILURE_BUCKET: Lambda's
   * S3 destination, versioned, below aws/lambda/); unset: local mode's, below <prefix>failed-batches/.
   */
  readonly failureBucket?: string;
  readonly s3Endpoint?: string;
}

/** The compactor's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readCompactorConfig(env: Env): CompactorConfig {
  const s3Endpoint = optionalString(env, 'TALES_S3_ENDPOINT', '');
  const failureBucket = optionalString(env, 'TALES_FAILURE_BUCKET', '');
  const copy = optionalString(env, 'TALES_SERVER_SIDE_COPY', 'true');
  if (copy !== 'true' && copy !== 'false')
    throw new ConfigError(`Environment variable TALES_SERVER_SIDE_COPY must be true or false (given "${copy}")`);
  return {
    region: optionalString(env, 'AWS_REGION', 'us-east-1'),
    bucket: requireString(env, 'TALES_BUCKET'),
    layout: optionalLayout(env, 'TALES_PREFIX'),
    closeAfterMs: optionalInt(env, 'TALES_CLOSE_AFTER_MS', CLOSE_AFTER_MS, 0, 366 * 86_400_000),
    graceMs: optionalInt(env, 'TALES_GRACE_MS', 3_600_000, 0, 30 * 86_400_000),
    lookbackDays: optionalInt(env, 'TALES_LOOKBACK_DAYS', 7, 1, 3660),
    serverSideCopy: copy === 'true',
    ...(failureBucket ? { failureBucket } : {}),
    ...(s3Endpoint ? { s3Endpoint } : {}),
  };
}
