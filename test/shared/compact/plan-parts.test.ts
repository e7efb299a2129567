import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Part, planParts, type Region } from '../../../shared/compact/plan-parts';

const region = (key: string, length: number, offset = 100): Region => ({ key, etag: `"${key}"`, offset, length });

/** The byte ranges a plan writes, in order: each (key, offset, length). */
function ranges(parts: readonly Part[]): Region[] {
  return parts.flatMap((part) => (part.kind === 'copy' ? [part.region] : part.regions));
}

describe('planParts', () => {
  it('joins regions smaller than a part into one upload, the last part', () => {
    const parts = planParts([region('a', 10), region('b', 20)], 100);
    expect(parts).toEqual([{ kind: 'upload', regions: [region('a', 10), region('b', 20)] }]);
  });

  it('copies a region that is a part on its own', () => {
    expect(planParts([region('a', 150)], 100)).toEqual([{ kind: 'copy', region: region('a', 150) }]);
  });

  it('lends small regions the head of a large one, and copies the rest of it', () => {
    const parts = planParts([region('a', 30), region('b', 250)], 100);
    expect(parts).toEqual([
      { kind: 'upload', regions: [region('a', 30), region('b', 70)] },
      { kind: 'copy', region: region('b', 180, 170) },
    ]);
  });

  it('downloads a large region whole when the rest of it would be too small to copy', () => {
    const parts = planParts([region('a', 30), region('b', 120), region('c', 10)], 100);
    expect(parts).toEqual([
      { kind: 'upload', regions: [region('a', 30), region('b', 120)] },
      { kind: 'upload', regions: [region('c', 10)] },
    ]);
  });

  it('fails if a region exceeds the 5 GiB part limit', () => {
    expect(() => planParts([region('huge', 6 * 1024 ** 3)])).toThrow('region huge of 6442450944 bytes exceeds the 5 GiB part limit');
  });

  it('writes every byte once, in order, with every part but the last at least the minimum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 200 }),
        (lengths, minPart) => {
          const regions = lengths.map((length, i) => region(`k${i}`, length));
          const parts = planParts(regions, minPart);
          const size = (part: Part) => ranges([part]).reduce((n, r) => n + r.length, 0);
          for (const part of parts.slice(0, -1)) expect(size(part)).toBeGreaterThanOrEqual(minPart);
          for (const part of parts) if (part.kind === 'copy') expect(part.region.length).toBeGreaterThanOrEqual(minPart);
          // Re-join adjacent pieces of the same region: the result must be the input regions exactly.
          const joined: Region[] = [];
          for (const piece of ranges(parts)) {
            const last = joined[joined.length - 1];
            if (last && last.key === piece.key && last.offset + last.length === piece.offset)
              joined[joined.length - 1] = { ...last, length: last.length + piece.length };
            else joined.push(piece);
          }
          expect(joined).toEqual(regions);
        },
      ),
      { numRuns: 300 },
    );
  });
});
