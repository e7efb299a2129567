import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { functionUrlEvent } from '../lambda/function-url';

const TEXT_TYPE = /^(text\/|application\/(json|x-ndjson|javascript|xml|x-www-form-urlencoded)\b|[^;]*\+(json|xml)\b)/i;

/**
 * The payload-2.0 event a Function URL would hand the Lambda for this request: repeated query
 * parameters and headers joined with commas, and a body passed as text when its type is textual
 * (or unnamed), else base64.
 */
export function requestEvent(request: IncomingMessage, body: Buffer, now = Date.now()): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const contentType = headers['content-type'];
  const text = contentType === undefined || TEXT_TYPE.test(contentType);
  return functionUrlEvent({
    method: request.method ?? 'GET',
    path: url.pathname,
    headers,
    ...(url.search ? { query } : {}),
    rawQueryString: url.search.slice(1),
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !text } : {}),
    requestId: randomUUID(),
    timeEpoch: now,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
  });
}
