import { describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, readLocalConfig } from '../../local/config';

describe('readLocalConfig', () => {
  it('applies the documented defaults: a 1 s batching window, and queries that see a written batch at once', () => {
    expect(readLocalConfig({})).toEqual(LOCAL_DEFAULTS);
    expect(LOCAL_DEFAULTS).toMatchObject({ batchWindowMs: 1000, openDayCacheMs: 0 });
  });

  it('reads every variable', () => {
    expect(
      readLocalConfig({
        TALES_PORT: '0',
        TALES_DATA_DIR: '/tmp/tales',
        TALES_SHARDS: '4',
        TALES_BATCH_SIZE: '500',
        TALES_BATCH_WINDOW_MS: '60000',
        TALES_OPEN_DAY_CACHE_MS: '5000',
        TALES_MERGE_INTERVAL_MS: '0',
        TALES_BUCKET: 'b',
        TALES_STREAM_NAME: 's',
        TALES_LOG_LEVEL: 'info',
      }),
    ).toEqual({
      port: 0,
      dataDir: '/tmp/tales',
      shards: 4,
      batchSize: 500,
      batchWindowMs: 60_000,
      openDayCacheMs: 5000,
      mergeIntervalMs: 0,
      bucket: 'b',
      streamName: 's',
      logLevel: 'INFO',
    });
  });

  it('fails naming the bad variable', () => {
    expect(() => readLocalConfig({ TALES_BATCH_WINDOW_MS: '300001' })).toThrow(
      'Environment variable TALES_BATCH_WINDOW_MS must be an integer in 0..300000 (given "300001")',
    );
    expect(() => readLocalConfig({ TALES_OPEN_DAY_CACHE_MS: '-1' })).toThrow(
      'Environment variable TALES_OPEN_DAY_CACHE_MS must be an integer in 0..600000 (given "-1")',
    );
  });
});
