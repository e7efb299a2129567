import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../shared/http/errors';

/** The most a Function URL accepts in a request body. */
const MAX_REQUEST_BYTES = 6_291_456;

/** The whole request body; a 413 HttpError past `maxBytes` (the rest is not read). */
export async function readBody(request: IncomingMessage, maxBytes = MAX_REQUEST_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'request_too_large', `request body is over the Function URL limit of ${maxBytes} bytes`);
}
