import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIME_MS } from '../../../shared/event/limits';
import { DAY_MS, dayName, dayNumber, LAST_DAY, parseDayName } from '../../../shared/layout/day';

describe('dayNumber', () => {
  it.each([
    [0, 0],
    [DAY_MS - 1, 0],
    [DAY_MS, 1],
    [Date.UTC(2026, 6, 1), 20_635],
    [Date.UTC(2026, 6, 1, 23, 59, 59, 999), 20_635],
    [Date.UTC(2026, 6, 2), 20_636],
  ])('of %d ms is day %d', (time, day) => {
    expect(dayNumber(time)).toBe(day);
  });

  it('is one day per 86,400,000 ms', () => {
    expect(DAY_MS).toBe(86_400_000);
  });
});

describe('dayName and parseDayName', () => {
  it.each([
    [0, '1970-01-01'],
    [20_635, '2026-07-01'],
    [20_513, '2026-03-01'],
    [19_782, '2024-02-29'],
    [-1, '1969-12-31'],
  ])('day %d is %s', (day, name) => {
    expect(dayName(day)).toBe(name);
    expect(parseDayName(name)).toBe(day);
  });

  it('round-trips every day from 1970 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 84_000 }), (day) => {
        expect(parseDayName(dayName(day))).toBe(day);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    '2026-02-30',
    '2026-02-29',
    '2025-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-07-00',
    '2026-7-1',
    '2026-07-1',
    '26-07-01',
    '2026/07/01',
    '2026-07-01T00:00:00Z',
    ' 2026-07-01',
    '2026-07-01\n',
    '',
    'today',
  ])('rejects %j', (name) => {
    expect(() => parseDayName(name)).toThrow(RangeError);
    expect(() => parseDayName(name)).toThrow(`not a UTC day name: "${name}"`);
  });
});

describe('the days a time can fall on', () => {
  it('names the day of every time that validation accepts, and reads the name back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIME_MS }), (time) => {
        expect(parseDayName(dayName(dayNumber(time)))).toBe(dayNumber(time));
      }),
      { numRuns: 2000 },
    );
    expect(dayName(dayNumber(MAX_TIME_MS))).toBe('9999-12-31');
    expect(LAST_DAY).toBe(dayNumber(MAX_TIME_MS));
  });

  it('refuses a day that YYYY-MM-DD cannot name, instead of making a key like "+010000-01"', () => {
    expect(() => dayName(LAST_DAY + 1)).toThrow('day 2932897 has no YYYY-MM-DD name (the last is 9999-12-31)');
    expect(() => dayName(dayNumber(8.64e15))).toThrow('day 100000000 has no YYYY-MM-DD name (the last is 9999-12-31)');
  });
});
