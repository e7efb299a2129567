import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from './errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * The `{"error":{"code","message"}}` answer for any thrown value. Internals never leak: anything
 * that is not a 4xx HttpError becomes a 500 "internal error" (the caller logs the details).
 */
export function errorResponse(error: unknown): HttpResponse {
  if (error instanceof HttpError && error.expose) {
    return jsonResponse(error.status, { error: { code: error.code, message: error.message } });
  }
  return jsonResponse(500, { error: { code: 'internal', message: 'internal error' } });
}

/** The 405 answer, with the `Allow` header naming the methods `path` takes. */
export function methodNotAllowed(method: string, path: string, allow: string): HttpResponse {
  const response = errorResponse(new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path} (allowed: ${allow})`));
  return { ...response, headers: { ...response.headers, allow } };
}
