import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../../local/cli/errors';
import { IngestClient, IngestRequestError } from '../../../local/cli/ingest-client';
import { resolveEndpoints } from '../../../local/cli/target';

const FUNCTION_URL = 'https://abcdefghij.lambda-url.eu-west-1.on.aws/';

/** A fetch that records each request and answers `status` with `body`. */
function recordingFetch(status = 202, body: unknown = { accepted: 1 }) {
  const requests: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    requests.push({ url: String(url), headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

describe('IngestClient', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    // The standard credential chain reads these first.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 6, 1, 12) });
  });
  afterAll(() => {
    process.env = saved;
    vi.useRealTimers();
  });

  it('signs requests to a Function URL with SigV4 for lambda in its region, covering the body', async () => {
    const { ingest } = resolveEndpoints({ url: FUNCTION_URL }, {});
    expect(ingest).toMatchObject({ local: false, region: 'eu-west-1' });
    const { requests, fetch } = recordingFetch();
    const client = new IngestClient(ingest, fetch);
    await client.post('{"actors":[1],"text":"a"}', 'application/json');
    await client.post('{"actors":[1],"text":"b"}', 'application/json');
    await client.post('{"actors":[1],"text":"a"}', 'application/json');

    expect(requests[0]?.url).toBe(`${FUNCTION_URL}events`);
    const [a, b, again] = requests.map((r) => r.headers.authorization);
    expect(a).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260701\/eu-west-1\/lambda\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/,
    );
    expect(requests[0]?.headers['x-amz-date']).toBe('20260701T120000Z');
    expect(b).not.toBe(a);
    expect(again).toBe(a);
  });

  it('sends the local stack plain requests', async () => {
    const { requests, fetch } = recordingFetch();
    await new IngestClient(resolveEndpoints({}, {}).ingest, fetch).post('{}', 'application/json');
    expect(requests[0]?.url).toBe('http://127.0.0.1:7700/events');
    expect(requests[0]?.headers.authorization).toBeUndefined();
  });

  it('needs a region to sign for a host that does not name one', () => {
    expect(
      () => new IngestClient(resolveEndpoints({ url: 'https://tales.example.com', signHost: 'tales.example.com' }, {}).ingest),
    ).toThrow(
      new CliError('cannot tell the region of tales.example.com, which is not a Function URL host: pass --region or set AWS_REGION'),
    );
    expect(
      resolveEndpoints({ url: 'https://tales.example.com', signHost: 'tales.example.com' }, { AWS_REGION: 'us-west-2' }).ingest.region,
    ).toBe('us-west-2');
  });

  it('fails if the 400 of a request in which no event is valid is not read as its per-event failures', async () => {
    const failed = [{ index: 0, code: 'actors_empty', message: 'actors must name at least one actor' }];
    const { fetch } = recordingFetch(400, { error: { code: 'no_valid_events', message: 'none' }, accepted: 0, failed });
    const answer = await new IngestClient(resolveEndpoints({}, {}).ingest, fetch).post('{"actors":[]}', 'application/json');
    expect(answer).toEqual({ accepted: 0, failed });
  });

  it('reports a 400 that names no events as an error', async () => {
    const { fetch } = recordingFetch(400, { error: { code: 'invalid_json', message: 'request body is not valid JSON' } });
    const posting = new IngestClient(resolveEndpoints({}, {}).ingest, fetch).post('{', 'application/json');
    await expect(posting).rejects.toThrow(
      new IngestRequestError('http://127.0.0.1:7700 answered 400 invalid_json: request body is not valid JSON', 400),
    );
  });

  it("reports an answer that is not Tales' own, such as an IAM denial", async () => {
    const { fetch } = recordingFetch(403, { Message: 'Forbidden' });
    const posting = new IngestClient(resolveEndpoints({ url: FUNCTION_URL }, {}).ingest, fetch).post('{}', 'application/json');
    await expect(posting).rejects.toThrow(
      new IngestRequestError('https://abcdefghij.lambda-url.eu-west-1.on.aws answered 403: Forbidden', 403),
    );
  });
});
