import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonShape } from '../../../shared/codec/json-shape';

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('jsonShape', () => {
  it('finds the depth and top-level array length of any JSON, as parsing would', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(jsonShape(text, 1000)).toEqual({ depth: depthOf(value), items: Array.isArray(value) ? value.length : 0 });
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['[]', 5, { depth: 1, items: 0 }],
    [' [ ] ', 5, { depth: 1, items: 0 }],
    ['["]", "\\"[", {"a":[1]}]', 5, { depth: 3, items: 3 }],
    ['{"a":[1,2,3]}', 5, { depth: 2, items: 0 }],
    ['[[[[[[', 3, { depth: 4, items: 1 }],
    ['"[[[["', 1, { depth: 0, items: 0 }],
  ])('scans %j (limit %d)', (text, maxDepth, shape) => {
    expect(jsonShape(text, maxDepth)).toEqual(shape);
  });

  it('scans only the part between start and end', () => {
    expect(jsonShape('[[1]]\n[2,3]', 5, 6, 11)).toEqual({ depth: 1, items: 2 });
  });
});
