import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
import { startFailingKinesis } from '../../support/failing-kinesis';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { readStream } from '../../support/read-stream';

describe('ingest Lambda entry point', () => {
  let local: LocalKinesis;
  beforeAll(async () => {
    local = await startLocalKinesis();
    await local.createStream('cold-start');
  });
  afterAll(() => local.stop());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('reads its settings at cold start and writes to the configured stream', async () => {
    vi.stubEnv('TALES_STREAM_NAME', 'cold-start');
    vi.stubEnv('TALES_KINESIS_ENDPOINT', local.endpoint);
    const { handler } = await import('../../../lambdas/ingest/index');
    const event = functionUrlEvent({ method: 'POST', path: '/events', body: '{"actors":[9],"text":"hello"}' });
    const response = await handler(event, lambdaContext());
    expect(response).toMatchObject({ statusCode: 202, body: '{"accepted":1}' });
    const [record] = await readStream(local.kinesis, 'cold-start');
    expect(JSON.parse(record?.text ?? '')).toMatchObject({ actors: [9], text: 'hello' });
  });

  it('retries a failing stream in exactly its 8 documented calls, one HTTP request each', async () => {
    const server = await startFailingKinesis();
    try {
      vi.stubEnv('TALES_STREAM_NAME', 'cold-start');
      vi.stubEnv('TALES_KINESIS_ENDPOINT', server.endpoint);
      const { handler } = await import('../../../lambdas/ingest/index');
      const event = functionUrlEvent({ method: 'POST', path: '/events', body: '[{"actors":[9],"text":"a"},{"actors":[9],"text":"b"}]' });
      const response = await handler(event, lambdaContext(60_000));
      expect(response).toMatchObject({ statusCode: 207 });
      expect(JSON.parse((response as { body: string }).body).failed.map((f: { code: string }) => f.code)).toEqual([
        'kinesis_unavailable',
        'kinesis_unavailable',
      ]);
      expect(server.requests()).toBe(8);
    } finally {
      await server.close();
    }
  });

  it('fails the cold start when the stream is not configured', async () => {
    vi.stubEnv('TALES_STREAM_NAME', '');
    await expect(import('../../../lambdas/ingest/index')).rejects.toThrow('Environment variable TALES_STREAM_NAME is required');
  });
});
