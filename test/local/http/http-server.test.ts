import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalHttpServer, startHttpServer } from '../../../local/http/http-server';
import { MAX_PAYLOAD_BYTES } from '../../../local/http/payload-limits';
import { type HttpResponse, jsonResponse } from '../../../shared/http/response';

describe('local HTTP server: the limits a Function URL enforces', () => {
  let server: LocalHttpServer;
  const events: APIGatewayProxyEventV2[] = [];
  const errors: unknown[] = [];
  /** What the stand-in handler answers next. */
  let answer: HttpResponse = jsonResponse(200, { ok: true });
  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      handle: async (event) => {
        events.push(event);
        return answer;
      },
      onError: (error) => errors.push(error),
      // Any body type: the stack's own POST types are checked in browser-attacks.test.ts.
      guard: { ownPages: true },
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    events.length = 0;
    errors.length = 0;
    answer = jsonResponse(200, { ok: true });
  });

  /** A raw request: fetch would re-encode a body that is not UTF-8. */
  function send(body: Buffer, contentType: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path: '/events', method: 'POST', headers: { 'content-type': contentType } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('fails if invalid UTF-8 in a text body reaches the handler rewritten, instead of a 400', async () => {
    const answered = await send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json');
    expect(answered).toEqual({ status: 400, body: '{"error":{"code":"invalid_utf8","message":"request body is not valid UTF-8"}}' });
    expect(events).toEqual([]);
  });

  it('passes a binary body base64-encoded and byte for byte, whatever its bytes', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7b]);
    expect((await send(bytes, 'application/octet-stream')).status).toBe(200);
    expect(events[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
  });

  it('fails if a request whose payload is over 6 MiB reaches the handler, though its body is under 6 MiB', async () => {
    // 4 MiB of quotes: each is escaped to 2 bytes in the event's JSON.
    const quotes = await send(Buffer.from(`"${'\\"'.repeat(2 * 1024 * 1024)}"`), 'application/json');
    expect(quotes.status).toBe(413);
    expect(JSON.parse(quotes.body).error).toEqual({
      code: 'request_too_large',
      message: expect.stringMatching(/^request payload is \d+ bytes, over the Function URL limit of 6291456$/),
    });
    // 5 MiB of binary: base64 makes it 6.7 MiB.
    expect((await send(Buffer.alloc(5 * 1024 * 1024, 1), 'application/octet-stream')).status).toBe(413);
    expect(events).toEqual([]);
  });

  it('takes a request just under the payload limit', async () => {
    const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(MAX_PAYLOAD_BYTES - 4096) }));
    expect((await send(body, 'application/json')).status).toBe(200);
    expect(events[0]?.body).toBe(body.toString('utf8'));
  });

  it('fails if a response over 6 MiB reaches the caller instead of the 502 a Function URL answers', async () => {
    answer = jsonResponse(200, { events: ['"'.repeat(2 * 1024 * 1024)] });
    const answered = await send(Buffer.from('{}'), 'application/json');
    expect(answered.status).toBe(502);
    expect(JSON.parse(answered.body).error).toEqual({
      code: 'response_too_large',
      message: expect.stringMatching(/^the function's response payload is \d+ bytes, over the Function URL limit of 6291456$/),
    });
  });

  it('answers a response under the limit as the handler gave it, a base64 body decoded', async () => {
    answer = {
      statusCode: 201,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 255]).toString('base64'),
      isBase64Encoded: true,
    };
    const response = await fetch(`http://127.0.0.1:${server.port}/events`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(201);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 255]));
  });
});
