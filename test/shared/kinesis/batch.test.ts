import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchLength } from '../../../shared/kinesis/batch';
import { MAX_BYTES_PER_CALL } from '../../../shared/kinesis/limits';

const sized = (size: number) => ({ record: { data: new Uint8Array(0), partitionKey: '1', size } });

describe('batchLength', () => {
  it('takes at most 500 records per call', () => {
    expect(batchLength(Array.from({ length: 1200 }, () => sized(10)))).toBe(500);
    expect(batchLength(Array.from({ length: 7 }, () => sized(10)))).toBe(7);
    expect(batchLength([])).toBe(0);
  });

  it('stops before 5 MiB, counting partition keys in the size', () => {
    const mib = 1024 * 1024;
    expect(batchLength(Array.from({ length: 10 }, () => sized(mib)))).toBe(5);
    expect(batchLength(Array.from({ length: 10 }, () => sized(mib + 1)))).toBe(4);
  });

  it('always takes one record, however large', () => {
    expect(batchLength([sized(MAX_BYTES_PER_CALL + 1), sized(1)])).toBe(1);
  });

  it('takes the longest prefix within both limits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 2000 }),
        (sizes, maxRecords, maxBytes) => {
          const queue = sizes.map(sized);
          const n = batchLength(queue, { maxRecords, maxBytes });
          const total = (k: number) => sizes.slice(0, k).reduce((a, b) => a + b, 0);
          if (sizes.length === 0) return n === 0;
          expect(n).toBeGreaterThanOrEqual(1);
          expect(n).toBeLessThanOrEqual(maxRecords);
          if (n > 1) expect(total(n)).toBeLessThanOrEqual(maxBytes);
          if (n < sizes.length && n < maxRecords) expect(total(n + 1)).toBeGreaterThan(maxBytes);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
