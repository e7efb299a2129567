import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
import { loadZstd } from '../../../shared/codec/zstd';
import { KeyLayout } from '../../../shared/layout/keys';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { seedWriter } from '../../support/seed-chunks';

describe('query Lambda entry point', () => {
  let local: LocalS3;
  beforeAll(async () => {
    local = await startLocalS3();
    const target = { s3: local.s3, bucket: local.bucket, layout: new KeyLayout('cold/'), zstd: await loadZstd() };
    await seedWriter(target, 'shardId-000000000000', [[{ time: Date.UTC(2026, 6, 1, 12), actors: [42], text: 'hello' }]]);
  });
  afterAll(() => local.stop());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('reads its settings at cold start and queries the configured bucket and prefix', async () => {
    vi.stubEnv('TALES_BUCKET', local.bucket);
    vi.stubEnv('TALES_PREFIX', 'cold/');
    vi.stubEnv('TALES_S3_ENDPOINT', local.endpoint);
    const { handler } = await import('../../../lambdas/query/index');
    const query = { actors: '42', from: '2026-07-01T00:00:00Z', to: '2026-07-02T00:00:00Z' };
    const response = await handler(functionUrlEvent({ path: '/events', query }), lambdaContext());
    expect(response).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(response.body ?? '')).toEqual({ events: [{ time: Date.UTC(2026, 6, 1, 12), actors: [42], text: 'hello' }] });
  });

  it('fails the cold start when the bucket is not configured', async () => {
    vi.stubEnv('TALES_BUCKET', '');
    await expect(import('../../../lambdas/query/index')).rejects.toThrow('Environment variable TALES_BUCKET is required');
  });
});
