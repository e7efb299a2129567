import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intersect, OrdinalSet } from '../../../shared/codec/ordinal-set';
import { serializeOrdinals } from '../../../shared/codec/roaring';
import { checkPortableBitmap } from '../../../shared/codec/roaring-portable';
import { fullRunsBitmap } from '../../support/huge-bitmap';

const universe = fc.constantFrom(200, 5000, 70_000, 300_000);
const sparse = (size: number) =>
  fc.uniqueArray(fc.nat({ max: size - 1 }), { maxLength: 3000 }).map((v) => Uint32Array.from(v.sort((a, b) => a - b)));
/** Runs and dense stretches, so that run and bitmap containers appear beside array ones. */
const dense = (size: number) =>
  fc
    .array(fc.tuple(fc.nat({ max: size - 1 }), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 3 })), { maxLength: 4 })
    .map((stretches) => {
      const values = new Set<number>();
      for (const [start, length, step] of stretches) for (let v = start; v < Math.min(size, start + length); v += step) values.add(v);
      return Uint32Array.from([...values].sort((a, b) => a - b));
    });
const member = (size: number) => fc.oneof(sparse(size), dense(size));
const window = (size: number) => fc.tuple(fc.integer({ min: -10, max: size + 10 }), fc.integer({ min: -10, max: size + 10 }));

function inRange(values: Uint32Array, from: number, to: number): number[] {
  return Array.from(values).filter((v) => v >= from && v < to);
}

describe('OrdinalSet', () => {
  const cases = universe.chain((size) => fc.record({ values: member(size), a: window(size), b: window(size) }));

  it('counts and lists any window of a bitmap as the values themselves do, also after within()', () => {
    fc.assert(
      fc.property(cases, ({ values, a: [lo, hi], b: [from, to] }) => {
        for (const set of [OrdinalSet.ofBitmap(serializeOrdinals(values)), OrdinalSet.of(values)]) {
          expect(set.size).toBe(values.length);
          expect(set.count(from, to)).toBe(inRange(values, from, to).length);
          expect(Array.from(set.values(from, to))).toEqual(inRange(values, from, to));
          const part = set.within(lo, hi);
          const expected = inRange(values, Math.max(lo, from), Math.min(hi, to));
          expect(part.size).toBe(inRange(values, lo, hi).length);
          expect(part.count(from, to)).toBe(expected.length);
          expect(Array.from(part.values(from, to))).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads 100 values out of 50 million without materialising the rest', () => {
    // 763 full run containers: a few KiB serialized, 200 MB as an array.
    const bitmap = fullRunsBitmap(50_000_000);
    expect(checkPortableBitmap(bitmap)).toEqual({ cardinality: 50_000_000, maximum: 49_999_999 });
    const huge = OrdinalSet.ofBitmap(bitmap);
    expect(huge.size).toBe(50_000_000);
    expect(huge.memoryBytes).toBeLessThan(64 * 1024);
    expect(Array.from(huge.values(49_999_950, 60_000_000))).toEqual(Array.from({ length: 50 }, (_, i) => 49_999_950 + i));
    expect(huge.within(1_000_000, 1_000_100).count(0, 2 ** 32)).toBe(100);
  });
});

describe('intersect', () => {
  const mixes = universe.chain((size) =>
    fc.record({ bitmaps: fc.array(member(size), { maxLength: 4 }), lists: fc.array(member(size), { maxLength: 4 }) }),
  );

  function bruteForce(sets: readonly Uint32Array[]): number[] {
    const [first, ...rest] = sets;
    if (!first) return [];
    const others = rest.map((set) => new Set(set));
    return Array.from(first).filter((value) => others.every((set) => set.has(value)));
  }

  it('equals the brute-force intersection for random mixes of bitmaps and inline lists', () => {
    fc.assert(
      fc.property(mixes, ({ bitmaps, lists }) => {
        const result = intersect(bitmaps.map(serializeOrdinals), lists);
        const expected = bruteForce([...bitmaps, ...lists]);
        expect(result.size).toBe(expected.length);
        expect(Array.from(result.values(0, 2 ** 32))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('is empty with no operands', () => {
    expect(intersect([], []).size).toBe(0);
  });
});
