import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../shared/http/errors';
import { MAX_PAYLOAD_BYTES } from './payload-limits';

/** The whole request body; a 413 HttpError past `maxBytes` (the rest is not read): no bigger body fits in a payload. */
export async function readBody(request: IncomingMessage, maxBytes = MAX_PAYLOAD_BYTES): Promise<Buffer> {
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
