import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionUrlEvent, lambdaContext } from '../../../local/lambda/function-url';
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

  it('fails the cold start when the stream is not configured', async () => {
    vi.stubEnv('TALES_STREAM_NAME', '');
    await expect(import('../../../lambdas/ingest/index')).rejects.toThrow('Environment variable TALES_STREAM_NAME is required');
  });
});
