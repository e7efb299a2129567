import { EventValidationError } from './errors';
import { frameSize, MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT, MAX_FRAME_BYTES, MAX_TIME_MS } from './limits';
import type { TalesEvent } from './types';

/** Accepted distance of a producer-given time from the server's clock. */
export interface SkewWindow {
  readonly now: number;
  readonly pastMs: number;
  readonly futureMs: number;
}

export interface ValidateOptions {
  /** Time given when the input has none (server time, or the record's arrival). */
  readonly defaultTime: number;
  /** When set, a given time outside it is rejected. @default - any valid time */
  readonly window?: SkewWindow;
  /**
   * Without a window (a producer), a number that reads as epoch seconds within a year of this time is
   * refused rather than stored in 1970. @default - no such check
   */
  readonly secondsNear?: number;
}

const YEAR_MS = 366 * 86_400_000;

const FIELDS = new Set(['actors', 'text', 'time']);
const encoder = new TextEncoder();

/** Checks untrusted input (parsed JSON) against the event model and limits; returns a clean copy. */
export function validateEvent(input: unknown, options: ValidateOptions): TalesEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new EventValidationError('not_an_object', `event must be a JSON object (got ${describe(input)})`);
  }
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) {
      throw new EventValidationError('unknown_field', `unknown field "${key}" (allowed: actors, text, time)`);
    }
  }
  const record = input as Record<string, unknown>;
  const actors = validateActors(record.actors);
  const text = validateText(record.text);
  const textBytes = encoder.encode(text).length;
  const size = frameSize(actors.length, textBytes);
  if (size > MAX_FRAME_BYTES) {
    throw new EventValidationError(
      'frame_too_large',
      `event frame is ${size} bytes, over the ${MAX_FRAME_BYTES}-byte limit (text is ${textBytes} bytes)`,
    );
  }
  const time = record.time === undefined ? options.defaultTime : parseTime(record.time);
  if (record.time !== undefined && options.window) checkWindow(time, options.window, typeof record.time === 'number');
  if (typeof record.time === 'number' && options.secondsNear !== undefined && Math.abs(time * 1000 - options.secondsNear) <= YEAR_MS) {
    throw epochSeconds('time_invalid', time);
  }
  return { time, actors, text };
}

/** Parses a time given as epoch milliseconds or an ISO-8601 string. */
export function parseTime(value: unknown): number {
  let ms: number;
  if (typeof value === 'number') {
    ms = value;
  } else if (typeof value === 'string' && ISO_8601.test(value) && isCalendarDate(value)) {
    ms = Date.parse(value);
  } else {
    throw new EventValidationError('time_invalid', `time must be epoch milliseconds or an ISO-8601 string (got ${describe(value)})`);
  }
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME_MS) {
    throw new EventValidationError('time_invalid', `time must be an integer epoch ms in 0..${MAX_TIME_MS} (got ${String(value)})`);
  }
  return ms;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** V8's Date.parse rolls days 29..31 over into the next month ('2026-02-30' is 2 March): refuse dates that do not exist. */
function isCalendarDate(iso: string): boolean {
  const date = iso.slice(0, 10);
  const ms = Date.parse(date);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

function validateActors(value: unknown): number[] {
  if (value === undefined) throw new EventValidationError('actors_missing', 'actors is required: an array of uint32 ids');
  if (!Array.isArray(value)) {
    throw new EventValidationError('actor_invalid', `actors must be an array of uint32 ids (got ${describe(value)})`);
  }
  if (value.length === 0) throw new EventValidationError('actors_empty', 'actors must name at least one actor');
  if (value.length > MAX_ACTORS_PER_EVENT) {
    throw new EventValidationError('actors_too_many', `an event may name at most ${MAX_ACTORS_PER_EVENT} actors (got ${value.length})`);
  }
  const seen = new Set<number>();
  for (const actor of value) {
    if (typeof actor !== 'number' || !Number.isInteger(actor) || actor < 0 || actor > MAX_ACTOR_ID) {
      throw new EventValidationError('actor_invalid', `actor must be an integer in 0..${MAX_ACTOR_ID} (got ${describe(actor)})`);
    }
    if (seen.has(actor)) throw new EventValidationError('actor_duplicate', `actor ${actor} is named twice`);
    seen.add(actor);
  }
  return [...value] as number[];
}

function validateText(value: unknown): string {
  if (typeof value !== 'string') {
    throw new EventValidationError('text_missing', `text is required: a string (got ${describe(value)})`);
  }
  if (!value.isWellFormed()) {
    throw new EventValidationError('text_invalid_utf8', 'text is not valid UTF-8 (it holds a lone surrogate)');
  }
  return value;
}

/** `numeric`: the time was given as a number, which may be epoch seconds by mistake. */
function checkWindow(time: number, window: SkewWindow, numeric: boolean): void {
  const inWindow = (ms: number) => ms >= window.now - window.pastMs && ms <= window.now + window.futureMs;
  if (numeric && !inWindow(time) && inWindow(time * 1000)) throw epochSeconds('time_out_of_window', time);
  if (!inWindow(time)) {
    throw new EventValidationError(
      'time_out_of_window',
      `time ${new Date(time).toISOString()} is outside the accepted window ` +
        `(${window.pastMs / 1000} s before to ${window.futureMs / 1000} s after server time ${new Date(window.now).toISOString()})`,
    );
  }
}

function epochSeconds(code: 'time_invalid' | 'time_out_of_window', time: number): EventValidationError {
  return new EventValidationError(code, `time ${time} looks like epoch seconds: times are epoch milliseconds (${time * 1000})`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
