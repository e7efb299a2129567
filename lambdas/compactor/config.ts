import { type BucketSettings, readBucketSettings, readCloseAfterMs } from '../../shared/config/bucket-settings';
import { type Env, optionalInt, optionalString } from '../../shared/config/env';

export interface CompactorConfig extends BucketSettings {
  readonly closeAfterMs: number;
  readonly graceMs: number;
  readonly lookbackDays: number;
  /**
   * The consumer's failure destination, purged of erased actors' records (TALES_FAILURE_BUCKET: Lambda's
   * S3 destination, versioned, below aws/lambda/); unset: local mode's, below <prefix>failed-batches/.
   */
  readonly failureBucket?: string;
}

/** The compactor's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readCompactorConfig(env: Env): CompactorConfig {
  const failureBucket = optionalString(env, 'TALES_FAILURE_BUCKET', '');
  return {
    ...readBucketSettings(env),
    closeAfterMs: readCloseAfterMs(env),
    graceMs: optionalInt(env, 'TALES_GRACE_MS', 3_600_000, 0, 30 * 86_400_000),
    lookbackDays: optionalInt(env, 'TALES_LOOKBACK_DAYS', 7, 1, 3660),
    ...(failureBucket ? { failureBucket } : {}),
  };
}
