import { describe, expect, it } from 'vitest';
import { readConsumerConfig } from '../../../lambdas/consumer/config';
import { ConfigError } from '../../../shared/config/env';

describe('readConsumerConfig', () => {
  it('needs only the bucket; the rest has defaults', () => {
    const config = readConsumerConfig({ TALES_BUCKET: 'tales' });
    expect(config).toMatchObject({ region: 'us-east-1', bucket: 'tales', blockSize: 65_536, zstdLevel: 5, closeAfterMs: 26 * 3_600_000 });
    expect(config.layout.prefix).toBe('');
    expect(config.s3Endpoint).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = readConsumerConfig({
      AWS_REGION: 'eu-west-1',
      TALES_BUCKET: 'b',
      TALES_PREFIX: 'env/prod/',
      TALES_BLOCK_SIZE: '16384',
      TALES_ZSTD_LEVEL: '9',
      TALES_CLOSE_AFTER_MS: '3600000',
      TALES_S3_ENDPOINT: 'http://127.0.0.1:4568',
    });
    expect(config).toMatchObject({
      region: 'eu-west-1',
      bucket: 'b',
      blockSize: 16_384,
      zstdLevel: 9,
      closeAfterMs: 3_600_000,
      s3Endpoint: 'http://127.0.0.1:4568',
    });
    expect(config.layout.manifestKey(0, 'shardId-1')).toBe('env/prod/v1/1970-01-01/w/shardId-1/manifest.json');
  });

  it.each([
    [{}, 'Environment variable TALES_BUCKET is required'],
    [{ TALES_BUCKET: '' }, 'Environment variable TALES_BUCKET is required'],
    [{ TALES_BUCKET: 'b', TALES_PREFIX: 'prod' }, 'Environment variable TALES_PREFIX must be empty or end with "/" (given "prod")'],
    [
      { TALES_BUCKET: 'b', TALES_BLOCK_SIZE: '512' },
      'Environment variable TALES_BLOCK_SIZE must be an integer in 1024..1048576 (given "512")',
    ],
    [
      { TALES_BUCKET: 'b', TALES_BLOCK_SIZE: '64k' },
      'Environment variable TALES_BLOCK_SIZE must be an integer in 1024..1048576 (given "64k")',
    ],
    [{ TALES_BUCKET: 'b', TALES_ZSTD_LEVEL: '22' }, 'Environment variable TALES_ZSTD_LEVEL must be an integer in 1..19 (given "22")'],
    [{ TALES_BUCKET: 'b', TALES_ZSTD_LEVEL: '0' }, 'Environment variable TALES_ZSTD_LEVEL must be an integer in 1..19 (given "0")'],
    [
      { TALES_BUCKET: 'b', TALES_CLOSE_AFTER_MS: '-1' },
      'Environment variable TALES_CLOSE_AFTER_MS must be an integer in 0..31622400000 (given "-1")',
    ],
  ])('fails %j with a message naming the variable', (env, message) => {
    expect(() => readConsumerConfig(env)).toThrow(new ConfigError(message));
  });
});
