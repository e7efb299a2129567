import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../local/cli/main';
import { runCaptured } from '../../support/cli-io';

/** A fetch that records each request and answers an empty page. */
function recordingFetch() {
  const requests: string[] = [];
  const fetch = (async (url: URL) => {
    requests.push(String(url));
    return new Response(JSON.stringify({ events: [] }), { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { requests, fetch };
}

const FUNCTION_URL = 'https://abc123.lambda-url.eu-west-1.on.aws';

describe('CLI errors that say what to do, without a stack trace', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    // No credentials anywhere the standard chain looks (environment, files, instance metadata).
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
      delete process.env[name];
    }
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterAll(() => {
    process.env = saved;
  });

  const tales = async (args: string[], env: Record<string, string>) => {
    const { requests, fetch } = recordingFetch();
    return { ...(await runCaptured((io) => runCli(args, io), { env, fetch })), requests };
  };

  const NO_CREDENTIALS =
    'tales: no AWS credentials to sign the request with: set AWS_PROFILE (and run aws sso login for an SSO profile), ' +
    'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n';

  it.each([
    ['query', ['query', '--actor', '1']],
    ['log', ['log', 'hello', '--actor', '1']],
  ])('%s without credentials', async (_name, args) => {
    expect(await tales(args, { TALES_URL: FUNCTION_URL })).toEqual({ code: 1, out: '', err: NO_CREDENTIALS, requests: [] });
  });

  it.each([
    ['query', ['query', '--actor', '1']],
    ['log', ['log', 'hello', '--actor', '1']],
    ['import', ['import', 'events.ndjson']],
    ['ui', ['ui', '--port', '0']],
  ])('%s to a host that is not a Function URL, with no region', async (_name, args) => {
    expect(await tales(['--sign-host', 'tales.example.com', ...args], { TALES_URL: 'https://tales.example.com' })).toEqual({
      code: 1,
      out: '',
      err: 'tales: cannot tell the region of tales.example.com, which is not a Function URL host: pass --region or set AWS_REGION\n',
      requests: [],
    });
  });
});
