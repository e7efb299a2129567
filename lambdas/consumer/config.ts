import { CHUNK_DEFAULTS, CHUNK_LIMITS } from '../../shared/chunk/options';
import { type BucketSettings, readBucketSettings, readCloseAfterMs } from '../../shared/config/bucket-settings';
import { type Env, optionalInt } from '../../shared/config/env';

export interface ConsumerConfig extends BucketSettings {
  /** Uncompressed bytes per chunk block. */
  readonly blockSize: number;
  readonly zstdLevel: number;
  /** How long after its end a day may still gain chunks (TALES_CLOSE_AFTER_MS, as the query reads it): a later chunk marks the day. */
  readonly closeAfterMs: number;
}

/** The consumer Lambda's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readConsumerConfig(env: Env): ConsumerConfig {
  const [minBlock, maxBlock] = CHUNK_LIMITS.blockSize;
  const [minLevel, maxLevel] = CHUNK_LIMITS.level;
  return {
    ...readBucketSettings(env),
    blockSize: optionalInt(env, 'TALES_BLOCK_SIZE', CHUNK_DEFAULTS.blockSize, minBlock, maxBlock),
    zstdLevel: optionalInt(env, 'TALES_ZSTD_LEVEL', CHUNK_DEFAULTS.level, minLevel, maxLevel),
    closeAfterMs: readCloseAfterMs(env),
  };
}
