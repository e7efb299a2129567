import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '../../shared/http/errors';
import { functionUrlEvent } from '../lambda/function-url';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const TEXT_TYPE = /^(text\/|application\/(json|x-ndjson|javascript|xml|x-www-form-urlencoded)\b|[^;]*\+(json|xml)\b)/i;

/**
 * The payload-2.0 event a Function URL would hand the Lambda for this request: repeated query
 * parameters and headers joined with commas, and a body passed as text when its type is textual
 * (or unnamed), else base64. A textual body that is not valid UTF-8 is a 400 HttpError, as AWS
 * answers it, never rewritten with U+FFFD.
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
    ...(body.length > 0 ? { body: text ? utf8Of(body) : body.toString('base64'), isBase64Encoded: !text } : {}),
    requestId: randomUUID(),
    timeEpoch: now,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
  });
}

function utf8Of(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new HttpError(400, 'invalid_utf8', 'request body is not valid UTF-8');
  }
}
