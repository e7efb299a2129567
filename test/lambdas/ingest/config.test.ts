import { describe, expect, it } from 'vitest';
import { readIngestConfig } from '../../../lambdas/ingest/config';

describe('readIngestConfig', () => {
  it('applies the documented defaults', () => {
    expect(readIngestConfig({ TALES_STREAM_NAME: 'events' })).toEqual({
      region: 'us-east-1',
      streamName: 'events',
      skewPastMs: 86_400_000,
      skewFutureMs: 300_000,
      maxBodyBytes: 6_000_000,
      maxEvents: 10_000,
    });
  });

  it('reads every variable', () => {
    expect(
      readIngestConfig({
        AWS_REGION: 'eu-west-1',
        TALES_STREAM_NAME: 'events',
        TALES_SKEW_PAST_MS: '1000',
        TALES_SKEW_FUTURE_MS: '0',
        TALES_MAX_BODY_BYTES: '2048',
        TALES_MAX_EVENTS: '5',
        TALES_KINESIS_ENDPOINT: 'http://127.0.0.1:4567',
      }),
    ).toEqual({
      region: 'eu-west-1',
      streamName: 'events',
      skewPastMs: 1000,
      skewFutureMs: 0,
      maxBodyBytes: 2048,
      maxEvents: 5,
      kinesisEndpoint: 'http://127.0.0.1:4567',
    });
  });

  it('fails naming the missing or bad variable', () => {
    expect(() => readIngestConfig({})).toThrow('Environment variable TALES_STREAM_NAME is required');
    expect(() => readIngestConfig({ TALES_STREAM_NAME: 's', TALES_MAX_EVENTS: '0' })).toThrow(
      'Environment variable TALES_MAX_EVENTS must be an integer in 1..1000000 (given "0")',
    );
    expect(() => readIngestConfig({ TALES_STREAM_NAME: 's', TALES_MAX_BODY_BYTES: '7000000' })).toThrow(/TALES_MAX_BODY_BYTES/);
    expect(() => readIngestConfig({ TALES_STREAM_NAME: 's', TALES_SKEW_PAST_MS: 'a day' })).toThrow(/TALES_SKEW_PAST_MS/);
  });
});
