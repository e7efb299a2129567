import { EventValidationError } from './errors';
import { parseTime } from './validate';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^([+-])(\d{1,9})(ms|s|m|h|d|w)$/;
/** Ten digits: seconds since 2001-09-09 as epoch seconds, but a day in January 1970 as epoch ms. */
const EPOCH_SECONDS = /^\d{10}$/;

/**
 * A time as people type it, in epoch ms: `now`, relative to `now` (`-15m`, `-1h`, `-2d`, `+30s`; units ms,
 * s, m, h, d, w), an ISO-8601 time, or epoch milliseconds. Read by the CLI's options and the query API's
 * `from`/`to`, so both take the same forms. Throws an EventValidationError ('time_invalid') saying which forms
 * it takes, or that ten digits look like epoch seconds.
 */
export function parseTimeExpression(text: string, now: number): number {
  const value = text.trim();
  if (value === 'now') return now;
  if (EPOCH_SECONDS.test(value)) {
    throw new EventValidationError('time_invalid', `"${text}" looks like epoch seconds: times are epoch milliseconds (${value}000)`);
  }
  const relative = RELATIVE.exec(value);
  try {
    if (relative) {
      const [, sign, amount, unit] = relative as unknown as [string, string, string, string];
      return parseTime(now + (sign === '-' ? -1 : 1) * Number(amount) * (UNIT_MS[unit] as number));
    }
    return parseTime(/^\d{1,16}$/.test(value) ? Number(value) : value);
  } catch {
    throw new EventValidationError(
      'time_invalid',
      `"${text}" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms`,
    );
  }
}
