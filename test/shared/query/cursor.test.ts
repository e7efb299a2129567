import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIME_MS } from '../../../shared/event/limits';
import { actorsDigest, containsDigest, decodeCursor, encodeCursor } from '../../../shared/query/cursor';
import { QueryInputError } from '../../../shared/query/errors';

/** A cursor with a valid check around any JSON: to reach the field checks behind the checksum. */
function forged(fields: unknown): string {
  const json = JSON.stringify(fields);
  return `${Buffer.from(json).toString('base64url')}.${createHash('sha256').update(json).digest('base64url').slice(0, 11)}`;
}

function reason(text: string): string {
  try {
    decodeCursor(text);
  } catch (error) {
    if (error instanceof QueryInputError && error.code === 'cursor_invalid')
      return error.message.replace(/^cursor is invalid: |; pass.*$/g, '');
    throw error;
  }
  throw new Error('expected the cursor to be refused');
}

describe('cursor', () => {
  it('round-trips any position within its bounds, URL-safe', () => {
    const time = fc.integer({ min: 0, max: MAX_TIME_MS });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 0xffff_ffff }), { minLength: 1, maxLength: 32 }),
        time,
        time,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,128}$/).filter((w) => w !== '.' && w !== '..'),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 1, max: 1000 }),
        (actors, from, to, at, writer, seq, ordinal, limit) => {
          const lo = Math.min(from, to);
          const position = { time: lo + Math.floor(at * (Math.max(from, to) - lo)), writer, seq, ordinal };
          const cursor = encodeCursor({ actors, from, to, limit }, position);
          expect(cursor).toMatch(/^[A-Za-z0-9_.-]+$/);
          expect(cursor.length).toBeLessThanOrEqual(512);
          expect(decodeCursor(cursor)).toEqual({ from, to, actors: actorsDigest(actors), contains: '', limit, after: position });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('digests actors as a set', () => {
    expect(actorsDigest([3, 1, 2])).toBe(actorsDigest([1, 2, 3]));
    expect(actorsDigest([1, 2])).not.toBe(actorsDigest([1, 2, 3]));
    expect(actorsDigest([12])).not.toBe(actorsDigest([1, 2]));
  });

  it('carries the digest of the contains text, the same in any case, and none without one', () => {
    const at = { time: 5000, writer: 'w', seq: 0, ordinal: 0 };
    const digestOf = (contains?: string) =>
      decodeCursor(encodeCursor({ actors: [1], from: 1000, to: 9000, contains, limit: 10 }, at)).contains;
    expect(digestOf()).toBe('');
    expect(digestOf('Sword')).toBe(containsDigest('sword'));
    expect(digestOf('Sword')).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(digestOf('sword')).not.toBe(digestOf('shield'));
  });

  const D = actorsDigest([1]);
  const valid = [2, 1000, 9000, D, '', 50, 5000, 'w', 0, 0];
  const v1 = [1, 1000, 9000, D, 5000, 'w', 0, 0];
  const hostile: [string, unknown, string][] = [
    ['a version it does not know', [3, ...valid.slice(1)], 'it is not a version 1..2 cursor'],
    ['an object', { v: 2 }, 'it is not a version 1..2 cursor'],
    ['a missing field', valid.slice(0, 9), 'it has 9 fields, expected 10'],
    ['an extra field', [...valid, 1], 'it has 11 fields, expected 10'],
    ['a version 1 cursor with a field too many', [...v1, 1], 'it has 9 fields, expected 8'],
    ['a page size of 0', [2, 1000, 9000, D, '', 0, 5000, 'w', 0, 0], 'its page size is not 1..1000'],
    ['a page size over the maximum', [2, 1000, 9000, D, '', 1001, 5000, 'w', 0, 0], 'its page size is not 1..1000'],
    ['a bound that is not a time', [2, -1, ...valid.slice(2)], 'its bounds are not epoch milliseconds'],
    ['a string bound', [2, '1000', ...valid.slice(2)], 'its bounds are not epoch milliseconds'],
    ['a short actor digest', [2, 1000, 9000, 'abc', ...valid.slice(4)], 'its actor digest is malformed'],
    ['a short contains digest', [2, 1000, 9000, D, 'abc', ...valid.slice(5)], 'its text filter digest is malformed'],
    ['a contains digest that is not a string', [2, 1000, 9000, D, 0, ...valid.slice(5)], 'its text filter digest is malformed'],
    ['a position before its bounds', [2, 1000, 9000, D, '', 50, 999, 'w', 0, 0], 'its position is outside its bounds'],
    ['a position after its bounds', [2, 9000, 1000, D, '', 50, 9001, 'w', 0, 0], 'its position is outside its bounds'],
    ['a writer that escapes its folder', [2, 1000, 9000, D, '', 50, 5000, '../x', 0, 0], 'its writer is not a writer id'],
    ['a __proto__ writer object', [2, 1000, 9000, D, '', 50, 5000, { __proto__: 1 }, 0, 0], 'its writer is not a writer id'],
    ['a fractional sequence', [2, 1000, 9000, D, '', 50, 5000, 'w', 0.5, 0], 'its chunk sequence or ordinal is malformed'],
    ['an ordinal past uint32', [2, 1000, 9000, D, '', 50, 5000, 'w', 0, 2 ** 32], 'its chunk sequence or ordinal is malformed'],
  ];
  it('still reads a version 1 cursor (no text filter, no page size), handed out before version 2', () => {
    expect(decodeCursor(forged(v1))).toEqual({
      from: 1000,
      to: 9000,
      actors: D,
      contains: '',
      after: { time: 5000, writer: 'w', seq: 0, ordinal: 0 },
    });
  });

  it.each(hostile)('refuses %s, even with a valid check', (_name, fields, expected) => {
    expect(reason(forged(fields))).toBe(expected);
  });

  it('refuses data that is not JSON, and a check that does not match', () => {
    expect(reason(`${Buffer.from('{').toString('base64url')}.${createHash('sha256').update('{').digest('base64url').slice(0, 11)}`)).toBe(
      'its data is not JSON',
    );
    const good = forged(valid);
    const changed = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    expect(reason(changed)).toBe('its check does not match its data (was it changed?)');
  });

  it('refuses random text with a cursor_invalid error, never another error (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{11}$/)), (text) => {
        expect(() => decodeCursor(text)).toThrow(QueryInputError);
      }),
      { numRuns: 2000 },
    );
  });
});
