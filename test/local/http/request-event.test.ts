import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestEvent } from '../../../local/http/request-event';

function request(method: string, url: string, headers: IncomingMessage['headers'] = {}): IncomingMessage {
  return { method, url, headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
}

describe('requestEvent', () => {
  it('builds the payload-2.0 event of a query, joining repeated parameters with commas', () => {
    const event = requestEvent(request('GET', '/events?actors=1&actors=2&from=-1&to=%20x', { 'user-agent': 'curl' }), Buffer.alloc(0), 0);
    expect(event.rawPath).toBe('/events');
    expect(event.rawQueryString).toBe('actors=1&actors=2&from=-1&to=%20x');
    expect(event.queryStringParameters).toEqual({ actors: '1,2', from: '-1', to: ' x' });
    expect(event.requestContext.http).toMatchObject({ method: 'GET', path: '/events', userAgent: 'curl' });
    expect(event.body).toBeUndefined();
  });

  it('leaves out queryStringParameters when there is no query, as Function URLs do', () => {
    expect(requestEvent(request('GET', '/health'), Buffer.alloc(0)).queryStringParameters).toBeUndefined();
  });

  it.each([
    [undefined, false],
    ['application/json', false],
    ['application/x-ndjson; charset=utf-8', false],
    ['text/plain', false],
    ['application/vnd.api+json', false],
    ['application/octet-stream', true],
    ['image/png', true],
  ])('passes a %s body base64-encoded: %s', (contentType, base64) => {
    const body = Buffer.from('{"actors":[1],"text":"ä"}');
    const event = requestEvent(request('POST', '/events', contentType ? { 'content-type': contentType } : {}), body);
    expect(event.isBase64Encoded).toBe(base64);
    expect(Buffer.from(event.body ?? '', base64 ? 'base64' : 'utf8')).toEqual(body);
  });

  it('joins repeated headers with commas', () => {
    const event = requestEvent(request('GET', '/health', { 'x-a': ['1', '2'] as unknown as string }), Buffer.alloc(0));
    expect(event.headers['x-a']).toBe('1,2');
  });
});
