import { CLOSE_AFTER_MS, DAY_MS } from '../layout/day';
import type { KeyLayout } from '../layout/keys';
import { type Env, optionalInt, optionalLayout, optionalString, requireString } from './env';

/** Where a Lambda that reads or writes the log's bucket finds it. */
export interface BucketSettings {
  /** The Lambda's own region (AWS_REGION, set by the runtime). */
  readonly region: string;
  readonly bucket: string;
  /** Keys below TALES_PREFIX. */
  readonly layout: KeyLayout;
  /** A local S3 server (s3rver); unset in AWS. */
  readonly s3Endpoint?: string;
}

/** The bucket settings every storage Lambda reads; a bad variable fails it with the variable's name. */
export function readBucketSettings(env: Env): BucketSettings {
  const s3Endpoint = optionalString(env, 'TALES_S3_ENDPOINT', '');
  return {
    region: optionalString(env, 'AWS_REGION', 'us-east-1'),
    bucket: requireString(env, 'TALES_BUCKET'),
    layout: optionalLayout(env, 'TALES_PREFIX'),
    ...(s3Endpoint ? { s3Endpoint } : {}),
  };
}

/** How long after its end a day may still gain chunks (TALES_CLOSE_AFTER_MS): one value for query, merger and compactor. */
export function readCloseAfterMs(env: Env): number {
  return optionalInt(env, 'TALES_CLOSE_AFTER_MS', CLOSE_AFTER_MS, 0, 366 * DAY_MS);
}
