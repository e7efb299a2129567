import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../local/cli/main';
import { buildPage } from '../../../local/ui/build-page';
import { pageAnswer } from '../../../local/ui/page-answer';
import { startUiServer } from '../../../local/ui/ui-server';
import { runCaptured } from '../../support/cli-io';
import { useTestStack } from '../../support/local-stack';

const quiet = (error: unknown) => {
  throw error;
};

describe('tales ui: the explorer page and its API calls forwarded', () => {
  const local = useTestStack();
  beforeAll(() => buildPage());

  it('serves the page with a policy that allows only its own origin, and forwards GETs of the API to the local stack', async () => {
    const ui = await startUiServer({ queryUrl: new URL(local.stack.url), port: 0, onError: quiet });
    try {
      const page = await fetch(`${ui.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(await page.text()).toContain('<script type="module" src="/explorer.js"></script>');
      expect((await fetch(`${ui.url}/explorer.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const counts = await fetch(`${ui.url}/events/counts?actors=1&from=0&to=999&buckets=3`);
      expect(await counts.json()).toEqual({ from: 0, to: 999, width: 334, counts: [0, 0, 0] });
      const bad = await fetch(`${ui.url}/events?actors=x`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        error: { code: 'actor_invalid', message: 'actor must be an integer in 0..4294967295 (got "x")' },
      });
      // The explorer only reads: no ingest through it.
      const post = await fetch(`${ui.url}/events`, { method: 'POST', body: '{"actors":[1],"text":"x"}' });
      expect(post.status).toBe(405);
      expect((await fetch(`${ui.url}/elsewhere`)).status).toBe(404);
    } finally {
      await ui.close();
    }
  });

  it('signs what it forwards to a deployment with SigV4 for its region, keeping the Function URL path', async () => {
    const seen: IncomingMessage[] = [];
    const upstream = createServer((request, response) => {
      seen.push(request);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"events":[]}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const ui = await startUiServer({
      queryUrl: new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/base/`),
      region: 'eu-west-1',
      // A plain-http test server stands in for the Function URL: it must be named to be signed for.
      signHosts: ['127.0.0.1'],
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      port: 0,
      onError: quiet,
    });
    try {
      const answer = await fetch(`${ui.url}/events?actors=7&limit=5`);
      expect(await answer.json()).toEqual({ events: [] });
      expect(seen[0]?.url).toBe('/base/events?actors=7&limit=5');
      expect(seen[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, /);
      expect(seen[0]?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    } finally {
      await ui.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it('answers 502 naming the endpoint it cannot reach, and 503 saying how to build a page that is missing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const ui = await startUiServer({ queryUrl: new URL(`http://127.0.0.1:${port}/`), port: 0, onError: quiet });
    try {
      const answer = await fetch(`${ui.url}/events?actors=1`);
      expect(answer.status).toBe(502);
      expect(await answer.json()).toEqual({
        error: { code: 'upstream_unreachable', message: `cannot reach http://127.0.0.1:${port}: ECONNREFUSED` },
      });
    } finally {
      await ui.close();
    }
    const empty = mkdtempSync(join(tmpdir(), 'tales-no-page-'));
    try {
      const missing = await pageAnswer('/', empty);
      expect(missing.statusCode).toBe(503);
      expect(JSON.parse(missing.body ?? '')).toEqual({
        error: { code: 'page_not_built', message: 'the explorer page is not built: run npm run build:ui' },
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('local mode serves the page at /', async () => {
    const page = await fetch(`${local.stack.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Tales explorer</title>');
  });

  it('runs as `tales ui` until interrupted, and needs a region for a deployment', async () => {
    const stop = new AbortController();
    let out = '';
    const run = runCli(['ui', '--port', '0'], {
      env: { TALES_URL: local.stack.url },
      signal: stop.signal,
      out: (text) => {
        out += text;
      },
      err: (text) => {
        out += text;
      },
    });
    await expect.poll(() => out).toMatch(/^Explorer: http:\/\/127\.0\.0\.1:\d+\/ /);
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0] as string;
    expect(out).toBe(`Explorer: ${url} (querying ${new URL(local.stack.url).origin}); Ctrl-C stops it\n`);
    expect((await fetch(url)).status).toBe(200);
    stop.abort();
    expect(await run).toBe(0);
    await expect(fetch(url)).rejects.toThrow();

    const untrusted = await runCaptured((io) => runCli(['ui', '--query-url', 'https://query.example.com/'], io), { env: {} });
    expect(untrusted.err).toMatch(/would carry your AWS credentials: .* pass --sign-host query\.example\.com to trust it\n$/);
    const deployed = await runCaptured(
      (io) => runCli(['ui', '--query-url', 'https://query.example.com/', '--sign-host', 'query.example.com'], io),
      { env: {} },
    );
    expect(deployed).toEqual({
      code: 1,
      out: '',
      err: 'tales: cannot tell the region of query.example.com, which is not a Function URL host: pass --region or set AWS_REGION\n',
    });
  });
});
