import { parseTime } from '../../shared/event/validate';
import { CliError } from './errors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^([+-])(\d{1,9})(ms|s|m|h|d|w)$/;

/**
 * A time given on the command line, in epoch ms: `now`, relative to now (`-15m`, `-1h`, `-2d`, `+30s`;
 * units ms, s, m, h, d, w), an ISO-8601 time, or epoch milliseconds.
 */
export function parseTimeArg(text: string, now: number, option: string): number {
  const value = text.trim();
  if (value === 'now') return now;
  const relative = RELATIVE.exec(value);
  try {
    if (relative) {
      const [, sign, amount, unit] = relative as unknown as [string, string, string, string];
      return parseTime(now + (sign === '-' ? -1 : 1) * Number(amount) * (UNIT_MS[unit] as number));
    }
    return parseTime(/^\d{1,16}$/.test(value) ? Number(value) : value);
  } catch {
    throw new CliError(`${option} "${text}" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms`);
  }
}
