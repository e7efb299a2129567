import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../shared/util/heap';

describe('MinHeap', () => {
  it('pops in sorted order whatever the pushes and pops interleaved', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant('pop' as const))), (operations) => {
        const heap = new MinHeap<number>((a, b) => a - b);
        const model: number[] = [];
        for (const operation of operations) {
          if (operation === 'pop') {
            model.sort((a, b) => a - b);
            expect(heap.pop()).toBe(model.shift());
          } else {
            heap.push(operation);
            model.push(operation);
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peek()).toBe(model.length ? Math.min(...model) : undefined);
        }
      }),
      { numRuns: 300 },
    );
  });
});
