import { CHUNK_DEFAULTS, CHUNK_LIMITS } from '../../shared/chunk/options';
import { type Env, optionalInt, optionalLayout, optionalString, requireString } from '../../shared/config/env';
import type { KeyLayout } from '../../shared/layout/keys';

export interface ConsumerConfig {
  /** The Lambda's own region (AWS_REGION, set by the runtime). */
  readonly region: string;
  readonly bucket: string;
  readonly layout: KeyLayout;
  /** Uncompressed bytes per chunk block. */
  readonly blockSize: number;
  readonly zstdLevel: number;
  /** A local S3 server (s3rver); unset in AWS. */
  readonly s3Endpoint?: string;
}

/** The consumer Lambda's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readConsumerConfig(env: Env): ConsumerConfig {
  const s3Endpoint = optionalString(env, 'TALES_S3_ENDPOINT', '');
  const [minBlock, maxBlock] = CHUNK_LIMITS.blockSize;
  const [minLevel, maxLevel] = CHUNK_LIMITS.level;
  return {
    region: optionalString(env, 'AWS_REGION', 'us-east-1'),
    bucket: requireString(env, 'TALES_BUCKET'),
    layout: optionalLayout(env, 'TALES_PREFIX'),
    blockSize: optionalInt(env, 'TALES_BLOCK_SIZE', CHUNK_DEFAULTS.blockSize, minBlock, maxBlock),
    zstdLevel: optionalInt(env, 'TALES_ZSTD_LEVEL', CHUNK_DEFAULTS.level, minLevel, maxLevel),
    ...(s3Endpoint ? { s3Endpoint } : {}),
  };
}
