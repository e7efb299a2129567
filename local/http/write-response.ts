import type { ServerResponse } from 'node:http';
import type { HttpResponse } from '../../shared/http/response';

/** Sends a handler's structured result as the Function URL would. */
export function writeResponse(response: ServerResponse, result: HttpResponse): void {
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  if (result.cookies?.length) response.setHeader('set-cookie', result.cookies);
  response.setHeader('content-length', body.length);
  response.statusCode = result.statusCode ?? 200;
  response.end(body);
}
