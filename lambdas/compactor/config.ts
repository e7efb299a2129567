import { type BucketSettings, readBucketSettings, readCloseAfterMs } from '../../shared/config/bucket-settings';
import { type Env, optionalInt } from '../../shared/config/env';

export interface CompactorConfig extends BucketSettings {
  readonly closeAfterMs: number;
  readonly graceMs: number;
  readonly lookbackDays: number;
}

/** The compactor's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readCompactorConfig(env: Env): CompactorConfig {
  return {
    ...readBucketSettings(env),
    closeAfterMs: readCloseAfterMs(env),
    graceMs: optionalInt(env, 'TALES_GRACE_MS', 3_600_000, 0, 30 * 86_400_000),
    lookbackDays: optionalInt(env, 'TALES_LOOKBACK_DAYS', 7, 1, 3660),
  };
}
