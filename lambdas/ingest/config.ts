import { type Env, optionalInt, optionalString, requireString } from '../../shared/config/env';
import type { IngestSettings } from '../../shared/ingest/types';
import { DAY_MS } from '../../shared/layout/day';

export interface IngestConfig extends IngestSettings {
  /** The Lambda's own region (AWS_REGION, set by the runtime). */
  readonly region: string;
  /** A local Kinesis server (kinesalite); unset in AWS. */
  readonly kinesisEndpoint?: string;
}

/** The ingest Lambda's settings, read once at cold start; a bad variable fails it with the variable's name. */
export function readIngestConfig(env: Env): IngestConfig {
  const kinesisEndpoint = optionalString(env, 'TALES_KINESIS_ENDPOINT', '');
  return {
    region: optionalString(env, 'AWS_REGION', 'us-east-1'),
    streamName: requireString(env, 'TALES_STREAM_NAME'),
    skewPastMs: optionalInt(env, 'TALES_SKEW_PAST_MS', DAY_MS, 0, 366 * DAY_MS),
    skewFutureMs: optionalInt(env, 'TALES_SKEW_FUTURE_MS', 300_000, 0, DAY_MS),
    // A Function URL request carries at most 6 MB, so a larger limit could never apply.
    maxBodyBytes: optionalInt(env, 'TALES_MAX_BODY_BYTES', 6_000_000, 1, 6_291_456),
    maxEvents: optionalInt(env, 'TALES_MAX_EVENTS', 10_000, 1, 1_000_000),
    ...(kinesisEndpoint ? { kinesisEndpoint } : {}),
  };
}
