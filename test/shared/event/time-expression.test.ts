import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../../../shared/event/errors';
import { parseTimeExpression } from '../../../shared/event/time-expression';

const NOW = Date.UTC(2026, 6, 1, 12, 0, 0);

describe('parseTimeExpression', () => {
  it.each([
    ['now', NOW],
    ['-15m', NOW - 15 * 60_000],
    ['-1h', NOW - 3_600_000],
    ['-2d', NOW - 2 * 86_400_000],
    ['+30s', NOW + 30_000],
    ['-500ms', NOW - 500],
    ['-1w', NOW - 7 * 86_400_000],
    ['2026-07-01T10:00:00Z', Date.UTC(2026, 6, 1, 10)],
    ['2026-07-01', Date.UTC(2026, 6, 1)],
    ['1782900000000', 1_782_900_000_000],
    [' now ', NOW],
  ])('reads %j', (text, expected) => {
    expect(parseTimeExpression(text, NOW)).toBe(expected);
  });

  it.each(['', 'yesterday', '-1y', '1h', '--1h', '2026-02-30', '-99999999999d', '12.5', 'now-1h'])(
    'refuses %j with the forms it takes',
    (text) => {
      expect(() => parseTimeExpression(text, NOW)).toThrow(EventValidationError);
      expect(() => parseTimeExpression(text, NOW)).toThrow(
        `"${text}" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms`,
      );
    },
  );

  it('says that ten digits look like epoch seconds', () => {
    expect(() => parseTimeExpression('1782900000', NOW)).toThrow(
      new EventValidationError('time_invalid', '"1782900000" looks like epoch seconds: times are epoch milliseconds (1782900000000)'),
    );
  });
});
