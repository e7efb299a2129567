import { EventValidationError } from './errors';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes bytes that must be UTF-8 (an HTTP body, a Kinesis record); invalid sequences are an error, not U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    throw new EventValidationError('text_invalid_utf8', `${what} is not valid UTF-8`);
  }
}
