import { createHash } from 'node:crypto';
import { MAX_TIME_MS } from '../event/limits';
import { checkWriter } from '../layout/keys';
import { QueryInputError } from './errors';
import { MAX_CURSOR_CHARS, MAX_LIMIT } from './limits';
import type { Position } from './order';

/**
 * Fields of each version, after the version number. A version adds what a cursor carries; the decoder keeps
 * reading the older ones, so a cursor handed out before a deployment still pages after it.
 * 1: from, to, actors, after (7 fields)
 * 2: from, to, actors, contains, limit, after (9 fields): the text filter's digest, and the page size, kept
 *    by a next page that does not name one
 */
const CURSOR_VERSION = 2;
const FIELDS: Record<number, number> = { 1: 7, 2: 9 };

/** What a cursor carries: the bounds and actors of the query it belongs to, its page size, and where the last page ended. */
export interface CursorState {
  readonly from: number;
  readonly to: number;
  /** Digest of the query's actors (order-free). */
  readonly actors: string;
  /** Digest of the query's `contains` text ('' without one, and in version 1 cursors). */
  readonly contains: string;
  /** The page size of the query; absent from version 1 cursors. */
  readonly limit?: number;
  readonly after: Position;
}

/** Order-free digest of a set of actors: the same set gives the same digest whatever order it was given in. */
export function actorsDigest(actors: readonly number[]): string {
  return digest([...actors].sort((a, b) => a - b).join(','), 16);
}

/** Digest of a `contains` filter, '' for none; case-free, like the filter. */
export function containsDigest(contains: string | undefined): string {
  return contains === undefined ? '' : digest(contains.toLowerCase(), 16);
}

/**
 * `<base64url JSON>.<check>`: URL-safe, opaque to callers, versioned. The check is a digest of the
 * body, so a cursor damaged in transit or edited by hand is refused instead of resuming elsewhere.
 */
export function encodeCursor(
  query: {
    readonly actors: readonly number[];
    readonly from: number;
    readonly to: number;
    readonly contains?: string;
    readonly limit: number;
  },
  after: Position,
) {
  const json = JSON.stringify([
    CURSOR_VERSION,
    query.from,
    query.to,
    actorsDigest(query.actors),
    containsDigest(query.contains),
    query.limit,
    after.time,
    after.writer,
    after.seq,
    after.ordinal,
  ]);
  return `${Buffer.from(json).toString('base64url')}.${digest(json, 11)}`;
}

export function decodeCursor(text: string): CursorState {
  if (text.length > MAX_CURSOR_CHARS) invalid(`it is ${text.length} characters long, over ${MAX_CURSOR_CHARS}`);
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{11})$/.exec(text);
  if (!match) invalid('it is not of the form <data>.<check>');
  const json = Buffer.from(match[1] as string, 'base64url').toString('utf8');
  if (digest(json, 11) !== match[2]) invalid('its check does not match its data (was it changed?)');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    invalid('its data is not JSON');
  }
  const version = Array.isArray(value) ? FIELDS[value[0]] && (value[0] as number) : undefined;
  if (!Array.isArray(value) || version === undefined) invalid(`it is not a version 1..${CURSOR_VERSION} cursor`);
  const expected = (FIELDS[version] as number) + 1;
  if (value.length !== expected) invalid(`it has ${value.length} fields, expected ${expected}`);
  const [from, to, actors, ...rest] = value.slice(1) as unknown[];
  const contains = version >= 2 ? rest.shift() : '';
  const limit = version >= 2 ? rest.shift() : undefined;
  const [time, writer, seq, ordinal] = rest;
  if (!isInt(from, MAX_TIME_MS) || !isInt(to, MAX_TIME_MS)) invalid('its bounds are not epoch milliseconds');
  if (typeof actors !== 'string' || !/^[A-Za-z0-9_-]{16}$/.test(actors)) invalid('its actor digest is malformed');
  if (typeof contains !== 'string' || !/^([A-Za-z0-9_-]{16})?$/.test(contains)) invalid('its text filter digest is malformed');
  if (!isInt(time, MAX_TIME_MS) || time < Math.min(from, to) || time > Math.max(from, to)) invalid('its position is outside its bounds');
  if (typeof writer !== 'string' || !isWriter(writer)) invalid('its writer is not a writer id');
  if (!isInt(seq, Number.MAX_SAFE_INTEGER) || !isInt(ordinal, 0xffff_ffff)) invalid('its chunk sequence or ordinal is malformed');
  if (limit !== undefined && (!isInt(limit, MAX_LIMIT) || limit < 1)) invalid(`its page size is not 1..${MAX_LIMIT}`);
  const after = { time, writer, seq, ordinal };
  return limit === undefined ? { from, to, actors, contains, after } : { from, to, actors, contains, limit, after };
}

function digest(text: string, chars: number): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, chars);
}

function isInt(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

function isWriter(value: string): boolean {
  try {
    checkWriter(value);
    return true;
  } catch {
    return false;
  }
}

function invalid(reason: string): never {
  throw new QueryInputError('cursor_invalid', `cursor is invalid: ${reason}; pass the "next" value of a previous page unchanged`);
}
