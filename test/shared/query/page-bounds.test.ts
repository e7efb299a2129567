import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { responseBytes } from '../../../shared/query/response-bytes';
import { expectedEvents } from '../../support/query-oracle';
import { HOUR, queryPages, seedWorkload, useQueryStore, workloadArbitraries } from '../../support/query-workload';

describe('runQuery page bounds against s3rver', () => {
  const store = useQueryStore('bounds');
  const { writers, query } = workloadArbitraries({ slotMs: HOUR, actors: 4, maxText: 40, maxBatch: 40, maxLimit: 30 });

  it('pages through exactly the oracle list however small the byte budget, each page within it or of one event', async () => {
    await fc.assert(
      fc.asyncProperty(writers, query, fc.integer({ min: 1, max: 600 }), async (workload, q, maxBytes) => {
        const { ctx, stored } = await seedWorkload(store, workload, { chunkOptions: { blockSize: 1024 } });
        const pages = await queryPages(ctx, q, undefined, () => ({ maxBytes }));
        expect(pages.flat()).toEqual(expectedEvents(stored, q).map((s) => s.event));
        for (const page of pages.slice(0, -1)) {
          expect(page.length).toBeGreaterThan(0);
          const bytes = page.reduce((sum, event) => sum + responseBytes(event), 0);
          if (page.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('pages through exactly the oracle list when time runs out after any number of checks', async () => {
    await fc.assert(
      fc.asyncProperty(writers, query, fc.integer({ min: 0, max: 6 }), async (workload, q, checks) => {
        const { ctx, stored } = await seedWorkload(store, workload, { chunkOptions: { blockSize: 1024 } });
        // Each page's time is up after `checks` looks at the clock.
        const expiring = () => {
          let left = checks;
          return { expired: () => left-- <= 0 };
        };
        const pages = await queryPages(ctx, q, undefined, expiring);
        expect(pages.flat()).toEqual(expectedEvents(stored, q).map((s) => s.event));
      }),
      { numRuns: 15 },
    );
  });
});

describe('responseBytes', () => {
  it.each([
    ['plain text', { time: 1, actors: [2], text: 'abc' }],
    ['quotes and backslashes', { time: 1, actors: [2, 3], text: '"\\"' }],
    ['control characters', { time: 1, actors: [2], text: '\0\u0001\n' }],
    ['multi-byte UTF-8', { time: 1, actors: [2], text: 'ä€😀' }],
  ])('counts %s as the bytes the event and a comma take in the response payload', (_, event) => {
    const one = Buffer.byteLength(JSON.stringify({ body: JSON.stringify({ events: [event] }) }));
    const two = Buffer.byteLength(JSON.stringify({ body: JSON.stringify({ events: [event, event] }) }));
    expect(responseBytes(event)).toBe(two - one);
  });
});
