import { describe, expect, it } from 'vitest';
import { readQueryConfig } from '../../../lambdas/query/config';
import { KeyLayout } from '../../../shared/layout/keys';

describe('readQueryConfig', () => {
  it('applies the documented defaults', () => {
    expect(readQueryConfig({ TALES_BUCKET: 'data' })).toEqual({
      region: 'us-east-1',
      bucket: 'data',
      layout: new KeyLayout(''),
      maxSpanDays: 366,
      retentionDays: 0,
      cacheBytes: 256 * 1024 * 1024,
      closeAfterMs: 26 * 3_600_000,
      openDayCacheMs: 5000,
      erasers: [],
    });
  });

  it('reads every variable', () => {
    expect(
      readQueryConfig({
        AWS_REGION: 'eu-west-1',
        TALES_BUCKET: 'data',
        TALES_PREFIX: 'tales/',
        TALES_MAX_SPAN_DAYS: '31',
        TALES_RETENTION_DAYS: '30',
        TALES_CACHE_MB: '0',
        TALES_CLOSE_AFTER_MS: '3600000',
        TALES_OPEN_DAY_CACHE_MS: '0',
        TALES_ERASERS: 'arn:aws:iam::123456789012:role/Dpo, arn:aws:iam::123456789012:user/auditor',
        TALES_S3_ENDPOINT: 'http://127.0.0.1:4568',
      }),
    ).toEqual({
      region: 'eu-west-1',
      bucket: 'data',
      layout: new KeyLayout('tales/'),
      maxSpanDays: 31,
      retentionDays: 30,
      cacheBytes: 0,
      closeAfterMs: 3_600_000,
      openDayCacheMs: 0,
      erasers: ['arn:aws:iam::123456789012:role/Dpo', 'arn:aws:iam::123456789012:user/auditor'],
      s3Endpoint: 'http://127.0.0.1:4568',
    });
  });

  it('fails naming the missing or bad variable', () => {
    expect(() => readQueryConfig({})).toThrow('Environment variable TALES_BUCKET is required');
    expect(() => readQueryConfig({ TALES_BUCKET: 'b', TALES_MAX_SPAN_DAYS: '0' })).toThrow(
      'Environment variable TALES_MAX_SPAN_DAYS must be an integer in 1..36600 (given "0")',
    );
    expect(() => readQueryConfig({ TALES_BUCKET: 'b', TALES_RETENTION_DAYS: '-1' })).toThrow(
      'Environment variable TALES_RETENTION_DAYS must be an integer in 0..36500 (given "-1")',
    );
    expect(() => readQueryConfig({ TALES_BUCKET: 'b', TALES_CACHE_MB: 'lots' })).toThrow(
      'Environment variable TALES_CACHE_MB must be an integer in 0..10240 (given "lots")',
    );
    expect(() => readQueryConfig({ TALES_BUCKET: 'b', TALES_OPEN_DAY_CACHE_MS: '600001' })).toThrow(
      'Environment variable TALES_OPEN_DAY_CACHE_MS must be an integer in 0..600000 (given "600001")',
    );
  });
});
