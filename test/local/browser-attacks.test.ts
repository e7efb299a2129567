import { statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../shared/aws/kinesis-client';
import { createS3Client } from '../../shared/aws/s3-client';
import { useTestStack } from '../support/local-stack';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One raw HTTP request, with the Host, Origin and other headers a browser (or a rebinding page) would send. */
function send(
  base: string,
  path: string,
  { method = 'GET', headers = {}, body = '' }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const EVIL = 'http://evil.example';
const now = Date.now();
const query = `/events?actors=1&from=${now - 60_000}&to=${now + 60_000}`;
const event = JSON.stringify({ actors: [1], text: 'from a page' });
const hostOf = (url: string) => new URL(url).host;
const errorOf = (answer: Answer) => JSON.parse(answer.body).error as { code: string; message: string };

describe('local mode, called by a web page the developer has open', () => {
  const test = useTestStack({ shards: 1 });

  describe('the HTTP API', () => {
    it('refuses a GET from a foreign origin: the page would read the events', async () => {
      const answer = await send(test.stack.url, query, { headers: { origin: EVIL } });
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(errorOf(answer)).toEqual({
        code: 'origin_not_allowed',
        message: `a cross-origin request (Origin "${EVIL}", Sec-Fetch-Site "") is refused: only pages of http://${hostOf(test.stack.url)} may call it`,
      });
    });

    it('refuses a POST from a foreign origin, whatever its type', async () => {
      for (const type of ['application/json', 'text/plain']) {
        const answer = await send(test.stack.url, '/events', {
          method: 'POST',
          headers: { origin: EVIL, 'content-type': type },
          body: event,
        });
        expect(answer.status).toBe(403);
        expect(errorOf(answer).code).toBe('origin_not_allowed');
      }
    });

    it('refuses a CORS preflight from a foreign origin', async () => {
      const answer = await send(test.stack.url, '/events', {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a no-cors request that a browser marks cross-site, though it carries no Origin', async () => {
      const answer = await send(test.stack.url, query, { headers: { 'sec-fetch-site': 'cross-site' } });
      expect(answer.status).toBe(403);
      expect(errorOf(answer).message).toBe(
        `a cross-origin request (Origin "", Sec-Fetch-Site "cross-site") is refused: only pages of http://${hostOf(test.stack.url)} may call it`,
      );
    });

    it('refuses a request for another Host name: DNS rebinding', async () => {
      const port = new URL(test.stack.url).port;
      const answer = await send(test.stack.url, query, { headers: { host: `rebind.evil.example:${port}` } });
      expect(answer.status).toBe(403);
      expect(errorOf(answer)).toEqual({
        code: 'host_not_allowed',
        message: `Host "rebind.evil.example:${port}" is not this server (127.0.0.1:${port} or localhost:${port}): refused, as DNS rebinding would send it`,
      });
    });

    it('refuses a POST of a type a form can send without a preflight', async () => {
      for (const [type, shown] of [
        ['text/plain', '"text/plain"'],
        ['application/x-www-form-urlencoded', '"application/x-www-form-urlencoded"'],
        ['multipart/form-data; boundary=x', '"multipart/form-data; boundary=x"'],
      ] as const) {
        const answer = await send(test.stack.url, '/events', { method: 'POST', headers: { 'content-type': type }, body: event });
        expect(answer.status).toBe(415);
        expect(errorOf(answer)).toEqual({
          code: 'unsupported_media_type',
          message: `POST needs Content-Type application/json or application/x-ndjson (got ${shown})`,
        });
      }
    });

    it('answers same-machine clients and pages of its own origin', async () => {
      const { url } = test.stack;
      const port = new URL(url).port;
      expect((await send(url, query)).status).toBe(200);
      expect((await send(url, query, { headers: { origin: url, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
      expect((await send(url, query, { headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` } })).status).toBe(200);
      const post = await send(url, '/events', {
        method: 'POST',
        headers: { origin: url, 'content-type': 'Application/JSON; charset=utf-8' },
        body: event,
      });
      expect(post.status).toBe(202);
    });
  });

  describe('the Kinesis emulator', () => {
    const listStreams = (headers: Record<string, string>) =>
      send(test.stack.kinesisEndpoint, '/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams', ...headers },
        body: '{}',
      });

    it('refuses a foreign page, which kinesalite would answer with Access-Control-Allow-Origin: *', async () => {
      const answer = await listStreams({ origin: EVIL });
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(errorOf(answer)).toEqual({
        code: 'browser_not_allowed',
        message: `a browser request (Origin "${EVIL}") is refused: this server takes SDK clients only`,
      });
      const preflight = await send(test.stack.kinesisEndpoint, '/', {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
    });

    it('refuses a rebinding Host', async () => {
      const port = new URL(test.stack.kinesisEndpoint).port;
      const answer = await listStreams({ host: `rebind.evil.example:${port}` });
      expect(answer.status).toBe(403);
      expect(errorOf(answer).code).toBe('host_not_allowed');
    });

    it('still serves the SDK', async () => {
      const kinesis = createKinesisClient({ endpoint: test.stack.kinesisEndpoint });
      expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toContain(test.stack.streamName);
      kinesis.destroy();
    });
  });

  describe('the S3 emulator', () => {
    const list = () => `/${test.stack.bucket}?list-type=2`;

    it('refuses a foreign page and a rebinding Host', async () => {
      const foreign = await send(test.stack.s3Endpoint, list(), { headers: { origin: EVIL } });
      expect(foreign.status).toBe(403);
      expect(errorOf(foreign).code).toBe('browser_not_allowed');
      const port = new URL(test.stack.s3Endpoint).port;
      const rebound = await send(test.stack.s3Endpoint, list(), { headers: { host: `rebind.evil.example:${port}` } });
      expect(rebound.status).toBe(403);
      expect(errorOf(rebound).code).toBe('host_not_allowed');
    });

    it('still serves the SDK', async () => {
      const s3 = createS3Client({ endpoint: test.stack.s3Endpoint });
      expect((await s3.send(new ListObjectsV2Command({ Bucket: test.stack.bucket }))).$metadata.httpStatusCode).toBe(200);
      s3.destroy();
    });
  });

  it('keeps its data dir to its owner', () => {
    const mode = (path: string) => statSync(join(test.dir, path)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('s3')).toBe(0o700);
    expect(mode('kinesis')).toBe(0o700);
    expect(mode('stack.json')).toBe(0o600);
  });
});
