import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../shared/layout/day';
import { encodeCursor } from '../../../shared/query/cursor';
import { QueryInputError } from '../../../shared/query/errors';
import { parseQueryRequest, type QueryParameters } from '../../../shared/query/request';

const NOW = Date.UTC(2026, 6, 3, 12);
const options = { now: NOW, maxSpanDays: 366 };
const parse = (params: QueryParameters) => parseQueryRequest(params, options);

function rejection(params: QueryParameters): { code: string; message: string } {
  try {
    parse(params);
  } catch (error) {
    if (error instanceof QueryInputError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a QueryInputError');
}

describe('parseQueryRequest', () => {
  it('reads actors, bounds in epoch ms or ISO-8601, and limit', () => {
    expect(parse({ actors: '12345,67890', from: '2026-07-01T00:00:00Z', to: '1782950400000', limit: '7' })).toEqual({
      actors: [12345, 67890],
      from: Date.UTC(2026, 6, 1),
      to: Date.UTC(2026, 6, 2),
      limit: 7,
    });
    expect(parse({ actors: '0,4294967295' }).actors).toEqual([0, 4294967295]);
    expect(parse({ actors: '1', from: '2026-07-02', to: '2026-07-01' })).toMatchObject({
      from: Date.UTC(2026, 6, 2),
      to: Date.UTC(2026, 6, 1),
    });
  });

  it('reads bounds relative to server time, as the CLI does: newest first with from=now&to=-1h', () => {
    expect(parse({ actors: '1', from: 'now', to: '-1h' })).toMatchObject({ from: NOW, to: NOW - 3_600_000 });
    expect(parse({ actors: '1', from: '-2d' })).toMatchObject({ from: NOW - 2 * DAY_MS, to: NOW });
    expect(rejection({ actors: '1', from: '1782900000' })).toEqual({
      code: 'time_invalid',
      message: 'from: "1782900000" looks like epoch seconds: times are epoch milliseconds (1782900000000)',
    });
  });

  it('defaults: to = now, from = to - 24 h (ascending), limit 100', () => {
    expect(parse({ actors: '1' })).toEqual({ actors: [1], from: NOW - DAY_MS, to: NOW, limit: 100 });
    expect(parse({ actors: '1', to: '5000' })).toMatchObject({ from: 0, to: 5000 });
    expect(parse({ actors: '1', from: String(NOW + 1000) })).toMatchObject({ from: NOW + 1000, to: NOW });
  });

  const cases: [string, QueryParameters, string, string][] = [
    ['missing actors', {}, 'actors_missing', 'actors is required: comma-separated uint32 ids, e.g. actors=12345,67890'],
    ['empty actors', { actors: '' }, 'actors_missing', 'actors is required: comma-separated uint32 ids, e.g. actors=12345,67890'],
    ['a non-integer actor', { actors: '1,2.5' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "2.5")'],
    ['a word', { actors: 'alice' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "alice")'],
    ['an empty item', { actors: '1,,2' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "")'],
    ['an actor over 2^32-1', { actors: '4294967296' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "4294967296")'],
    ['a negative actor', { actors: '-1' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got "-1")'],
    ['a padded actor', { actors: ' 1' }, 'actor_invalid', 'actor must be an integer in 0..4294967295 (got " 1")'],
    [
      'too many actors',
      { actors: Array.from({ length: 33 }, (_, i) => i).join(',') },
      'actors_too_many',
      'a query may name at most 32 actors (got 33)',
    ],
    ['a duplicate actor', { actors: '5,6,5' }, 'actor_duplicate', 'actor 5 is named twice'],
    ['the same actor written twice', { actors: '7,007' }, 'actor_duplicate', 'actor 7 is named twice'],
    [
      'an invalid from',
      { actors: '1', from: 'yesterday' },
      'time_invalid',
      'from: "yesterday" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'an impossible date',
      { actors: '1', to: '2026-02-30T00:00:00Z' },
      'time_invalid',
      'to: "2026-02-30T00:00:00Z" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'a negative time',
      { actors: '1', from: '-5' },
      'time_invalid',
      'from: "-5" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'a time past the Date range',
      { actors: '1', to: '9000000000000000' },
      'time_invalid',
      'to: "9000000000000000" is not a time: use now, -15m, -1h, -2d, an ISO-8601 time (2026-07-01T12:00:00Z) or epoch ms',
    ],
    [
      'a span over the maximum',
      { actors: '1', from: '2025-01-01T00:00:00Z', to: '2026-07-01T00:00:00Z' },
      'span_too_large',
      'from..to spans 546.0 days, over the maximum of 366 days',
    ],
    [
      'a reversed span over the maximum',
      { actors: '1', from: '2026-07-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
      'span_too_large',
      'from..to spans 546.0 days, over the maximum of 366 days',
    ],
    [
      'a contains text over 256 characters',
      { actors: '1', contains: 'é'.repeat(257) },
      'contains_invalid',
      'contains is 257 characters long, over the maximum of 256',
    ],
    ['limit 0', { actors: '1', limit: '0' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "0")'],
    ['limit 1001', { actors: '1', limit: '1001' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "1001")'],
    ['a fractional limit', { actors: '1', limit: '2.5' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "2.5")'],
    ['an empty limit', { actors: '1', limit: '' }, 'limit_invalid', 'limit must be an integer in 1..1000 (got "")'],
    [
      'an unknown parameter',
      { actors: '1', actor: '2' },
      'parameter_unknown',
      'unknown parameter "actor" (allowed: actors, from, to, limit, cursor, contains)',
    ],
    [
      'a __proto__ parameter',
      JSON.parse('{"actors":"1","__proto__":"x"}'),
      'parameter_unknown',
      'unknown parameter "__proto__" (allowed: actors, from, to, limit, cursor, contains)',
    ],
  ];
  it.each(cases)('refuses %s', (_name, params, code, message) => {
    expect(rejection(params)).toEqual({ code, message });
  });

  it('accepts exactly the edges: 32 actors, limit 1 and 1000, a span of exactly the maximum', () => {
    expect(parse({ actors: Array.from({ length: 32 }, (_, i) => i).join(',') }).actors).toHaveLength(32);
    expect(parse({ actors: '1', limit: '1' }).limit).toBe(1);
    expect(parse({ actors: '1', limit: '1000' }).limit).toBe(1000);
    expect(parse({ actors: '1', from: '0', to: String(366 * DAY_MS) })).toMatchObject({ from: 0, to: 366 * DAY_MS });
  });

  describe('with a cursor', () => {
    const query = { actors: [3, 1], from: 1000, to: 9000, limit: 7 };
    const cursor = encodeCursor(query, { time: 5000, writer: 'shardId-000000000001', seq: 2, ordinal: 17 });

    it('resumes after the cursor, taking omitted bounds from it, whatever the actors order', () => {
      const expected = {
        actors: [1, 3],
        from: 1000,
        to: 9000,
        limit: 7,
        after: { time: 5000, writer: 'shardId-000000000001', seq: 2, ordinal: 17 },
      };
      expect(parse({ actors: '1,3', cursor })).toEqual(expected);
      expect(parse({ actors: '3,1', from: '1000', to: '9000', cursor, limit: '100' })).toEqual({ ...expected, actors: [3, 1], limit: 100 });
    });

    it('keeps the first page size when a next page names none', () => {
      expect(parse({ actors: '1,3', cursor }).limit).toBe(7);
      expect(parse({ actors: '1,3', cursor, limit: '2' }).limit).toBe(2);
    });

    it('keeps a contains text, takes an empty one as none, and binds the cursor to it in any case', () => {
      expect(parse({ actors: '1', contains: 'Sword' }).contains).toBe('Sword');
      expect(parse({ actors: '1', contains: '' })).not.toHaveProperty('contains');
      const filtered = encodeCursor({ ...query, contains: 'Sword' }, { time: 5000, writer: 'shardId-000000000001', seq: 2, ordinal: 17 });
      expect(parse({ actors: '1,3', contains: 'SWORD', cursor: filtered })).toMatchObject({ contains: 'SWORD', from: 1000 });
      const mismatch = { code: 'cursor_mismatch', message: 'cursor belongs to a query with another contains text' };
      expect(rejection({ actors: '1,3', cursor: filtered })).toEqual(mismatch);
      expect(rejection({ actors: '1,3', contains: 'shield', cursor: filtered })).toEqual(mismatch);
      expect(rejection({ actors: '1,3', contains: 'sword', cursor })).toEqual(mismatch);
    });

    it('refuses a cursor of another query', () => {
      expect(rejection({ actors: '1', cursor })).toEqual({
        code: 'cursor_mismatch',
        message: 'cursor belongs to a query for other actors',
      });
      expect(rejection({ actors: '1,3', from: '1001', cursor })).toEqual({
        code: 'cursor_mismatch',
        message: 'cursor belongs to a query with other bounds (from 1000, to 9000); omit from and to, or repeat them',
      });
      expect(rejection({ actors: '1,3', to: '1000', cursor }).code).toBe('cursor_mismatch');
    });

    it('refuses a malformed or changed cursor', () => {
      const [data, check] = cursor.split('.') as [string, string];
      const flipped = `${data.slice(0, 5)}${data[5] === 'A' ? 'B' : 'A'}${data.slice(6)}.${check}`;
      const guidance = '; pass the "next" value of a previous page unchanged';
      expect(rejection({ actors: '1,3', cursor: flipped })).toEqual({
        code: 'cursor_invalid',
        message: `cursor is invalid: its check does not match its data (was it changed?)${guidance}`,
      });
      expect(rejection({ actors: '1,3', cursor: 'not a cursor' }).message).toBe(
        `cursor is invalid: it is not of the form <data>.<check>${guidance}`,
      );
      expect(rejection({ actors: '1,3', cursor: '' }).code).toBe('cursor_invalid');
      expect(rejection({ actors: '1,3', cursor: 'x'.repeat(600) }).message).toBe(
        `cursor is invalid: it is 600 characters long, over 512${guidance}`,
      );
    });
  });

  it('answers any query string with a request or a QueryInputError, never another error (fuzz)', () => {
    const value = fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('', '1,2', '2026-07-01', '4294967295', '1e3'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('actors', 'from', 'to', 'limit', 'cursor', 'x'), value), (params) => {
        try {
          parse(params);
        } catch (error) {
          expect(error).toBeInstanceOf(QueryInputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
