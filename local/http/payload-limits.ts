import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '../../shared/http/errors';
import { type HttpResponse, jsonResponse } from '../../shared/http/response';

/** What Lambda takes in and gives back on a synchronous invocation, such as a Function URL's: 6 MiB each way. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * Bytes of a payload as Lambda counts them: the event or the result serialised as JSON, so a text
 * body counts with its escaping (a `"` twice) and a binary one base64-encoded (4 bytes for 3).
 */
function payloadBytes(value: APIGatewayProxyEventV2 | HttpResponse): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** A 413 HttpError when the event is over the limit, as a Function URL refuses it before any Lambda runs. */
export function checkRequestPayload(event: APIGatewayProxyEventV2): void {
  const bytes = payloadBytes(event);
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new HttpError(413, 'request_too_large', `request payload is ${bytes} bytes, over the Function URL limit of ${MAX_PAYLOAD_BYTES}`);
  }
}

/** The handler's result, or the 502 a Function URL answers in its place when it is over the limit. */
export function limitResponse(result: HttpResponse): HttpResponse {
  const bytes = payloadBytes(result);
  if (bytes <= MAX_PAYLOAD_BYTES) return result;
  const message = `the function's response payload is ${bytes} bytes, over the Function URL limit of ${MAX_PAYLOAD_BYTES}`;
  return jsonResponse(502, { error: { code: 'response_too_large', message } });
}
