import { type BucketSettings, readBucketSettings, readCloseAfterMs } from '../../shared/config/bucket-settings';
import { type Env, optionalInt } from '../../shared/config/env';

export interface MergerConfig extends BucketSettings {
  readonly closeAfterMs: number;
  readonly fanIn: number;
}

/** The merger's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readMergerConfig(env: Env): MergerConfig {
  return {
    ...readBucketSettings(env),
    closeAfterMs: readCloseAfterMs(env),
    fanIn: optionalInt(env, 'TALES_MERGE_FAN_IN', 8, 2, 1000),
  };
}
