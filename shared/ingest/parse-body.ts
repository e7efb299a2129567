import { jsonShape } from '../codec/json-shape';
import { decodeUtf8 } from '../event/decode-utf8';
import { MAX_JSON_DEPTH } from '../event/limits';
import { HttpError } from '../http/errors';
import type { IngestRequest, IngestSettings } from './types';

const NDJSON = 'application/x-ndjson';

/**
 * The raw events of a request body: one JSON object, a JSON array, or NDJSON (one event per non-blank
 * line) when the Content-Type says so. Limits (size, event count, nesting) are checked before parsing
 * or splitting, by scans that allocate nothing. Anything that is not a
 * readable body is an HttpError (400, or 413 over a limit); each item is validated later on its own.
 */
export function parseBody(request: IngestRequest, limits: Pick<IngestSettings, 'maxBodyBytes' | 'maxEvents'>): unknown[] {
  const text = bodyText(request, limits.maxBodyBytes);
  if (text.trim() === '') throw noEvents();
  return isNdjson(request.contentType) ? parseNdjson(text, limits.maxEvents) : parseJson(text, limits.maxEvents);
}

function bodyText({ body = '', isBase64Encoded }: IngestRequest, maxBodyBytes: number): string {
  const size = isBase64Encoded ? base64Size(body) : Buffer.byteLength(body, 'utf8');
  if (size > maxBodyBytes) throw new HttpError(413, 'body_too_large', `request body is ${size} bytes, over the ${maxBodyBytes}-byte limit`);
  if (!isBase64Encoded) return body;
  try {
    return decodeUtf8(Buffer.from(body, 'base64'), 'request body');
  } catch {
    throw new HttpError(400, 'invalid_utf8', 'request body is not valid UTF-8');
  }
}

/** Decoded size of base64 text, known before allocating it. */
function base64Size(body: string): number {
  const trimmed = body.replace(/=+$/, '');
  return Math.floor((trimmed.length * 3) / 4);
}

function isNdjson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === NDJSON;
}

function parseJson(text: string, maxEvents: number): unknown[] {
  const shape = jsonShape(text, MAX_JSON_DEPTH);
  checkDepth(shape.depth, 'request body');
  checkCount(shape.items, maxEvents);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (isNdjsonText(text)) {
      throw new HttpError(
        400,
        'invalid_json',
        `request body is not valid JSON: it holds one JSON event per line (NDJSON); send it with Content-Type: ${NDJSON}`,
      );
    }
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw noEvents();
    checkCount(value.length, maxEvents);
    return value;
  }
  if (typeof value === 'object' && value !== null) return [value];
  throw new HttpError(
    400,
    'invalid_body',
    `request body must be an event object or an array of events (got ${value === null ? 'null' : typeof value})`,
  );
}

function parseNdjson(text: string, maxEvents: number): unknown[] {
  let count = 0;
  forEachLine(text, () => {
    count++;
  });
  checkCount(count, maxEvents);
  forEachLine(text, (start, end, number) => checkDepth(jsonShape(text, MAX_JSON_DEPTH, start, end).depth, `line ${number}`));
  const events: unknown[] = [];
  forEachLine(text, (start, end, number) => {
    try {
      events.push(JSON.parse(text.slice(start, end)));
    } catch (error) {
      throw new HttpError(400, 'invalid_json', `line ${number} is not valid JSON: ${(error as Error).message}`);
    }
  });
  return events;
}

/** Whether text that is not JSON reads as NDJSON: its first line is a JSON object and another non-blank line follows. */
function isNdjsonText(text: string): boolean {
  const start = text.length - text.trimStart().length;
  const newline = text.indexOf('\n', start);
  if (newline < 0 || text.slice(newline).trim() === '') return false;
  try {
    const first: unknown = JSON.parse(text.slice(start, newline));
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}

/** Calls `visit` with the bounds and 1-based number of each non-blank line, without splitting the text. */
function forEachLine(text: string, visit: (start: number, end: number, number: number) => void): void {
  for (let start = 0, number = 1; start <= text.length; number++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (!isBlank(text, start, end)) visit(start, end, number);
    start = end + 1;
  }
}

const BLANK = /\s/;

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!BLANK.test(text.charAt(i))) return false;
  return true;
}

function checkDepth(depth: number, what: string): void {
  if (depth > MAX_JSON_DEPTH) throw new HttpError(400, 'json_too_deep', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
}

function checkCount(count: number, maxEvents: number): void {
  if (count > maxEvents) throw new HttpError(413, 'too_many_events', `request holds ${count} events, over the limit of ${maxEvents}`);
}

function noEvents(): HttpError {
  return new HttpError(400, 'empty_body', 'request body holds no events: send an event object, a JSON array of events, or NDJSON');
}
