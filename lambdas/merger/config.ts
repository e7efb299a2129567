import { CLOSE_AFTER_MS } from '../../shared/compact/compact-day';
import { type Env, optionalInt, optionalLayout, optionalString, requireString } from '../../shared/config/env';
import type { KeyLayout } from '../../shared/layout/keys';

export interface MergerConfig {
  readonly region: string;
  readonly bucket: string;
  /** Keys below TALES_PREFIX. */
  readonly layout: KeyLayout;
  readonly closeAfterMs: number;
  readonly fanIn: number;
  readonly s3Endpoint?: string;
}

/** The merger's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readMergerConfig(env: Env): MergerConfig {
  const s3Endpoint = optionalString(env, 'TALES_S3_ENDPOINT', '');
  return {
    region: optionalString(env, 'AWS_REGION', 'us-east-1'),
    bucket: requireString(env, 'TALES_BUCKET'),
    layout: optionalLayout(env, 'TALES_PREFIX'),
    closeAfterMs: optionalInt(env, 'TALES_CLOSE_AFTER_MS', CLOSE_AFTER_MS, 0, 366 * 86_400_000),
    fanIn: optionalInt(env, 'TALES_MERGE_FAN_IN', 8, 2, 1000),
    ...(s3Endpoint ? { s3Endpoint } : {}),
  };
}
