import { MAX_TIME_MS } from '../event/limits';

export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * How long after its end a day closes (TALES_CLOSE_AFTER_MS): the ingest's 24 h skew window plus the
 * batching delay. Query, merger, compactor and writer all read the same value.
 */
export const CLOSE_AFTER_MS = 26 * 3_600_000;

/** When `day` closes: `closeAfterMs` after its end, once the merger may seal it and the compactor compact it. */
export function dayClosesAt(day: number, closeAfterMs: number): number {
  return (day + 1) * DAY_MS + closeAfterMs;
}

/** Days since 1970-01-01 of a UTC time. */
export function dayNumber(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** Day number of 9999-12-31, the day of the latest accepted time and the last a 'YYYY-MM-DD' name can hold. */
export const LAST_DAY = dayNumber(MAX_TIME_MS);

/** The last day named and its name: a day's thousands of chunk keys name the same day. */
let named = { day: Number.NaN, name: '' };

/** 'YYYY-MM-DD' of a day number; throws a RangeError for a day that form cannot name. */
export function dayName(day: number): string {
  if (day === named.day) return named.name;
  if (!Number.isInteger(day) || day > LAST_DAY) throw new RangeError(`day ${day} has no YYYY-MM-DD name (the last is 9999-12-31)`);
  named = { day, name: new Date(day * DAY_MS).toISOString().slice(0, 10) };
  return named.name;
}

/** Day number of a 'YYYY-MM-DD' name; throws a RangeError for anything else. */
export function parseDayName(name: string): number {
  const match = DAY_PATTERN.exec(name);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(time) || dayName(time / DAY_MS) !== name) throw new RangeError(`not a UTC day name: "${name}"`);
  return time / DAY_MS;
}
