import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TalesQueryError } from '../../../shared/client/errors';
import { TalesQuery } from '../../../shared/client/query';
import type { TalesEvent } from '../../../shared/event/types';

interface Seen {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingMessage['headers'];
}

type Reply = (seen: Seen) => { status: number; body: string };

/** A stub query Function URL on 127.0.0.1 that records each request and answers with `reply`. */
async function stubServer() {
  const seen: Seen[] = [];
  let reply: Reply = () => ({ status: 200, body: '{"events":[]}' });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const request = { path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers };
    seen.push(request);
    const { status, body } = reply(request);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answer(next: Reply) {
      reply = next;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const event = (i: number): TalesEvent => ({ time: 1_700_000_000_000 + i, actors: [1, 2], text: `event ${i}` });

/** Pages of `size` events over `total`, chained by cursors `c1`, `c2`, …. */
const paged =
  (total: number, size: number): Reply =>
  ({ query }) => {
    const start = query.cursor ? Number(query.cursor.slice(1)) : 0;
    const events = Array.from({ length: Math.min(size, total - start) }, (_, i) => event(start + i));
    const next = start + size < total ? `c${start + size}` : undefined;
    return { status: 200, body: JSON.stringify(next ? { events, next } : { events }) };
  };

describe('TalesQuery', () => {
  let stub: Awaited<ReturnType<typeof stubServer>>;
  beforeAll(async () => {
    stub = await stubServer();
  });
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.seen.length = 0;
    stub.answer(paged(0, 3));
  });

  const params = { actors: [1, 2], from: 1_700_000_000_000, to: new Date(1_700_000_100_000), limit: 3 };

  it('follows cursors to the last page, leaving the bounds to the cursor after the first', async () => {
    stub.answer(paged(8, 3));
    const client = new TalesQuery({ url: stub.url, unsigned: true });
    const events: TalesEvent[] = [];
    for await (const e of client.query(params)) events.push(e);
    expect(events).toEqual(Array.from({ length: 8 }, (_, i) => event(i)));
    const base = { actors: '1,2', from: '1700000000000', to: '1700000100000', limit: '3' };
    expect(stub.seen.map((s) => [s.path, s.query])).toEqual([
      ['/events', base],
      ['/events', { actors: '1,2', limit: '3', cursor: 'c3' }],
      ['/events', { actors: '1,2', limit: '3', cursor: 'c6' }],
    ]);
  });

  it('sends no further request once the loop is left', async () => {
    stub.answer(paged(100, 3));
    const client = new TalesQuery({ url: `${stub.url}/`, unsigned: true });
    const texts: string[] = [];
    for await (const e of client.query(params)) {
      texts.push(e.text);
      if (texts.length === 4) break;
    }
    expect(texts).toEqual(['event 0', 'event 1', 'event 2', 'event 3']);
    expect(stub.seen).toHaveLength(2);
  });

  it('returns one page with its cursor, and the last page without one', async () => {
    stub.answer(paged(5, 3));
    const client = new TalesQuery({ url: stub.url, unsigned: true });
    const first = await client.page({ actors: [7], from: '2026-07-01', to: '2026-06-30T00:00:00Z' });
    expect(first).toEqual({ events: [event(0), event(1), event(2)], next: 'c3' });
    expect(stub.seen[0]?.query).toEqual({ actors: '7', from: '2026-07-01', to: '2026-06-30T00:00:00Z' });
    expect(await client.page({ actors: [7], from: 0, to: 1 }, first.next)).toEqual({ events: [event(3), event(4)] });
  });

  it('passes contains, and asks /events/counts for counts, checking the answer', async () => {
    const client = new TalesQuery({ url: `${stub.url}/`, unsigned: true });
    await client.page({ ...params, contains: 'Sword' });
    expect(stub.seen[0]?.query).toMatchObject({ contains: 'Sword' });
    stub.answer(() => ({ status: 200, body: '{"from":0,"to":99,"width":50,"counts":[3,4]}' }));
    expect(await client.counts({ actors: [7], from: 0, to: 99, buckets: 2, contains: 'x' })).toEqual({
      from: 0,
      to: 99,
      width: 50,
      counts: [3, 4],
    });
    expect(stub.seen[1]).toMatchObject({
      path: '/events/counts',
      query: { actors: '7', from: '0', to: '99', buckets: '2', contains: 'x' },
    });
    stub.answer(() => ({ status: 200, body: '{"events":[]}' }));
    await expect(client.counts({ actors: [7], from: 0, to: 99 })).rejects.toMatchObject({
      code: 'invalid_response',
      message: 'the counts answer is not {from, to, width, counts}',
    });
  });

  it("surfaces a 4xx as a TalesQueryError with the server's status, code and message", async () => {
    stub.answer(() => ({
      status: 400,
      body: JSON.stringify({ error: { code: 'invalid_cursor', message: 'cursor was made for another query' } }),
    }));
    const client = new TalesQuery({ url: stub.url, unsigned: true });
    const failure = client.page(params, 'stale');
    await expect(failure).rejects.toBeInstanceOf(TalesQueryError);
    await expect(failure).rejects.toMatchObject({ status: 400, code: 'invalid_cursor', message: 'cursor was made for another query' });
    await expect(async () => {
      for await (const _ of client.query(params)) throw new Error('no event expected');
    }).rejects.toThrow('cursor was made for another query');
  });

  it('surfaces an answer from AWS in front of the function (IAM denial) and a broken body', async () => {
    const client = new TalesQuery({ url: stub.url, unsigned: true });
    stub.answer(() => ({ status: 403, body: '{"Message":"Forbidden"}' }));
    await expect(client.page(params)).rejects.toMatchObject({ status: 403, code: 'http_403', message: 'Forbidden' });
    stub.answer(() => ({ status: 502, body: 'Bad gateway' }));
    await expect(client.page(params)).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad gateway' });
    stub.answer(() => ({ status: 200, body: '{"events":[{"time":"soon","actors":[1],"text":"x"}]}' }));
    await expect(client.page(params)).rejects.toMatchObject({
      code: 'invalid_response',
      message: 'the query answer is not a page of events: event 0 is not {time, actors, text}',
    });
    stub.answer(() => ({ status: 200, body: 'null' }));
    await expect(client.page(params)).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('sends no Authorization header when unsigned', async () => {
    await new TalesQuery({ url: stub.url, unsigned: true }).page(params);
    expect(stub.seen[0]?.headers.authorization).toBeUndefined();
    expect(stub.seen[0]?.headers['x-amz-date']).toBeUndefined();
  });

  it('signs with SigV4 for service lambda, and the signature matches the request that arrived', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token' };
    const client = new TalesQuery({ url: stub.url, region: 'eu-west-1', credentials, signHosts: ['127.0.0.1'] });
    await client.page(params, 'c/3+x=');
    const seen = stub.seen[0] as Seen;
    const authorization = String(seen.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(seen.headers['x-amz-security-token']).toBe('token');

    const amzDate = String(seen.headers['x-amz-date']);
    const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const signedHeaders = authorization.match(/SignedHeaders=([^,]+)/)?.[1]?.split(';') ?? [];
    const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(seen.headers[name])]));
    const expected = await new SignatureV4({ service: 'lambda', region: 'eu-west-1', credentials, sha256: Sha256 }).sign(
      new HttpRequest({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', path: seen.path, query: seen.query, headers }),
      { signingDate },
    );
    expect(expected.headers.authorization).toBe(authorization);
  });

  it('takes the signing region from a Function URL host, and needs one otherwise', () => {
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    expect(() => new TalesQuery({ url: 'https://abc123.lambda-url.ap-south-1.on.aws/', credentials })).not.toThrow();
    expect(() => new TalesQuery({ url: 'https://query.example.com/', credentials })).toThrow(
      'region is required to sign requests to query.example.com',
    );
  });
});
