import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEvent } from '../../../local/cli/format-event';
import { isLoopbackHost } from '../../../local/cli/loopback';
import { runCli } from '../../../local/cli/main';
import { SigningRefusedError } from '../../../shared/client/errors';
import { createSigner } from '../../../shared/client/signer';
import { runCaptured } from '../../support/cli-io';

/** A fetch that records each request and answers an empty page. */
function recordingFetch() {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    requests.push({ url: String(url), headers: init.headers as Record<string, string> });
    return new Response(JSON.stringify({ events: [] }), { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'TOKEN' };

describe('the CLI never hands credentials to the wrong host', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    process.env.AWS_SESSION_TOKEN = credentials.sessionToken;
  });
  afterAll(() => {
    process.env = saved;
  });

  const query = async (env: Record<string, string>, extra: string[] = []) => {
    const { requests, fetch } = recordingFetch();
    const run = await runCaptured((io) => runCli([...extra, 'query', '--actor', '1'], io), {
      env: { AWS_REGION: 'eu-west-1', ...env },
      fetch,
    });
    return { ...run, requests };
  };

  it.each([
    ['a plain-HTTP host', 'http://attacker.example', 'http://attacker.example', 'attacker.example'],
    ['0.0.0.0', 'http://0.0.0.0:7700', 'http://0.0.0.0:7700', '0.0.0.0'],
    ['a name that starts like a loopback address', 'http://127.evil.example:7700', 'http://127.evil.example:7700', '127.evil.example'],
    ['an https host that is not a Function URL', 'https://attacker.example', 'https://attacker.example', 'attacker.example'],
    [
      'a Function URL over plain HTTP',
      'http://abc.lambda-url.eu-west-1.on.aws',
      'http://abc.lambda-url.eu-west-1.on.aws',
      'abc.lambda-url.eu-west-1.on.aws',
    ],
    [
      'a look-alike Function URL host',
      'https://abc.lambda-url.eu-west-1.on.aws.evil.example',
      'https://abc.lambda-url.eu-west-1.on.aws.evil.example',
      'abc.lambda-url.eu-west-1.on.aws.evil.example',
    ],
  ])('refuses %s before sending anything', async (_name, url, origin, host) => {
    const run = await query({ TALES_URL: url });
    expect(run.requests).toEqual([]);
    expect(run).toMatchObject({
      code: 1,
      out: '',
      err:
        `tales: --ingest-url ${origin} is neither this machine nor an https Lambda Function URL, and requests to it would carry ` +
        `your AWS credentials: use https://<id>.lambda-url.<region>.on.aws, or pass --sign-host ${host} to trust it\n`,
    });
  });

  it('signs for an https Function URL, and for a host the user names with --sign-host', async () => {
    const functionUrl = await query({ TALES_URL: 'https://abc123.lambda-url.eu-west-1.on.aws' });
    expect(functionUrl.code).toBe(0);
    expect(functionUrl.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    const named = await query({ TALES_URL: 'https://tales.example.com' }, ['--sign-host', 'tales.example.com']);
    expect(named.code).toBe(0);
    expect(named.requests[0]?.headers['x-amz-security-token']).toBe('TOKEN');
    const other = await query({ TALES_URL: 'https://other.example.com' }, ['--sign-host', 'tales.example.com']);
    expect(other.requests).toEqual([]);
  });

  it('sends requests to this machine unsigned', async () => {
    for (const url of ['http://127.0.0.1:7700', 'http://localhost:7700', 'http://[::1]:7700', 'http://127.1.2.3:7700']) {
      const run = await query({ TALES_URL: url });
      expect(run.requests[0]?.headers.authorization).toBeUndefined();
    }
  });

  it('decides loopback by parsing the address', () => {
    expect(['127.0.0.1', '127.255.0.9', 'localhost', '[::1]', '::1'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(
      ['127.evil.example', '127.0.0.1.evil.example', '0.0.0.0', '128.0.0.1', 'localhost.evil.example', '[::2]'].map(isLoopbackHost),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('has a signer that refuses any other target itself, for library callers', async () => {
    const sign = createSigner({ region: 'eu-west-1', credentials });
    await expect(sign('GET', new URL('http://attacker.example/events'))).rejects.toThrow(SigningRefusedError);
    await expect(sign('GET', new URL('http://attacker.example/events'))).rejects.toThrow(
      'refusing to sign a request to http://attacker.example: credentials go only over https to Lambda Function URL hosts ' +
        '(<id>.lambda-url.<region>.on.aws) or to a host named to sign for',
    );
    expect(await sign('GET', new URL('https://abc.lambda-url.eu-west-1.on.aws/events'))).toHaveProperty('authorization');
  });
});

describe('tales query output', () => {
  it('escapes control characters, so an event cannot drive the terminal', () => {
    const text = 'hi\u001b]0;owned\u0007\u001b[2J\r\nline\u009b31m\u007f';
    expect(formatEvent({ time: 0, actors: [1, 2], text })).toBe(
      '1970-01-01T00:00:00.000Z  [1, 2]  hi\\u001b]0;owned\\u0007\\u001b[2J\\u000d\\u000aline\\u009b31m\\u007f',
    );
    expect(formatEvent({ time: 0, actors: [1], text: 'tab\tand é ✓' })).toBe('1970-01-01T00:00:00.000Z  [1]  tab\\u0009and é ✓');
  });
});

describe('tales compact', () => {
  it('refuses a stack.json that names no local S3 endpoint: it would compact and delete in AWS S3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tales-cli-'));
    try {
      for (const endpoint of [undefined, 'https://s3.eu-west-1.amazonaws.com', 'http://127.evil.example:9000']) {
        const env = { TALES_BUCKET: 'production-bucket', ...(endpoint ? { TALES_S3_ENDPOINT: endpoint } : {}) };
        const stack = { pid: process.pid, url: 'http://127.0.0.1:7700', s3Endpoint: '', kinesisEndpoint: '', env };
        writeFileSync(join(dir, 'stack.json'), JSON.stringify(stack));
        const run = await runCaptured((io) => runCli(['compact', '--day', '2026-07-01', '--data-dir', dir], io), { env: {} });
        expect(run).toEqual({
          code: 1,
          out: '',
          err:
            `tales: ${join(dir, 'stack.json')} names no local S3 endpoint (TALES_S3_ENDPOINT is ${JSON.stringify(endpoint ?? null)}): ` +
            'compact runs on the local stack only and never on AWS S3\n',
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
