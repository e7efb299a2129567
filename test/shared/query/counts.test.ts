import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactDay } from '../../../shared/compact/compact-day';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import type { QueryContext } from '../../../shared/query/context';
import { runCounts } from '../../../shared/query/counts';
import { parseCountsRequest } from '../../../shared/query/counts-request';
import { expectedCounts, expectedEvents } from '../../support/query-oracle';
import { HOUR, queryAll, seedWorkload, T0, useQueryStore, workloadArbitraries } from '../../support/query-workload';

const DAY0 = dayNumber(T0);

interface CountsCase {
  readonly actors: number[];
  readonly from: number;
  readonly to: number;
  readonly buckets: number;
  readonly contains?: string;
}

/** Counts as the handler answers them: parsed from the query string. */
async function counts(ctx: QueryContext, query: CountsCase) {
  const params = {
    actors: query.actors.join(','),
    from: String(query.from),
    to: String(query.to),
    buckets: String(query.buckets),
    ...(query.contains !== undefined ? { contains: query.contains } : {}),
  };
  return runCounts(ctx, parseCountsRequest(params, { now: T0, maxSpanDays: 366 }));
}

describe('counts and the contains filter against s3rver', () => {
  const store = useQueryStore('counts');
  const seed = (writers: TalesEvent[][][]) =>
    seedWorkload(store, writers, {
      chunkOptions: { blockSize: 1024, inlineMax: 4 },
      cacheBytes: 256 * 1024,
      maxGap: 0,
      dayTtlMs: { open: 0, closed: 0 },
    });
  // Times on the hour over three days, few actors and short texts: blocks hold many matches over hours.
  const { writers, query } = workloadArbitraries({ slotMs: HOUR, actors: 3, maxText: 12, maxBatch: 200, maxLimit: 25 });
  // Single characters match a fair share of random texts; upper case checks that case is ignored.
  const contains = fc.option(fc.constantFrom('a', 'E', 'x', '7', 'ab'), { nil: undefined });
  // Ranges around the three days, and few buckets, so that some blocks lie inside one bucket and others straddle.
  const countsCase = fc.record({
    q: fc
      .record({
        actors: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
        from: fc.integer({ min: T0 - 2 * HOUR, max: T0 + 2 * HOUR }),
        to: fc.integer({ min: T0 + 3 * DAY_MS - 2 * HOUR, max: T0 + 3 * DAY_MS + 2 * HOUR }),
        reversed: fc.boolean(),
      })
      .map(({ reversed, from, to, ...rest }) => (reversed ? { ...rest, from: to, to: from } : { ...rest, from, to })),
    buckets: fc.integer({ min: 1, max: 12 }),
    contains,
  });

  it('counts exactly the oracle per bucket, with or without contains, before and after compaction', async () => {
    await fc.assert(
      fc.asyncProperty(writers, fc.array(countsCase, { minLength: 1, maxLength: 4 }), async (workload, cases) => {
        const { ctx, stored } = await seed(workload);
        const check = async () => {
          for (const { q, buckets, contains: text } of cases) {
            const c = { actors: q.actors, from: q.from, to: q.to, buckets, ...(text !== undefined ? { contains: text } : {}) };
            const result = await counts(ctx, c);
            expect(result.counts).toEqual(expectedCounts(stored, c));
            expect(result.width).toBe(Math.ceil((Math.abs(q.to - q.from) + 1) / buckets));
          }
        };
        await check();
        for (const day of [DAY0, DAY0 + 1]) await compactDay(ctx, day, { now: T0 + 10 * DAY_MS, blockSize: 1024, partBytes: 2048 });
        await check();
      }),
      { numRuns: 10 },
    );
    // Random days do not always put a block inside one bucket: the next test shows both ways of counting a block.
  });

  it('pages /events with contains through exactly the oracle list, in either direction', async () => {
    await fc.assert(
      fc.asyncProperty(writers, fc.array(fc.record({ q: query, contains }), { minLength: 1, maxLength: 4 }), async (workload, cases) => {
        const { ctx, stored } = await seed(workload);
        for (const { q, contains: text } of cases) {
          const filtered = text !== undefined ? { ...q, contains: text } : q;
          expect(await queryAll(ctx, filtered)).toEqual(expectedEvents(stored, filtered).map((s) => s.event));
        }
      }),
      { numRuns: 10 },
    );
  });

  it('counts a block inside one bucket from the index alone, and decodes only blocks that straddle an edge', async () => {
    // 48 events a day, one every 30 minutes from 00:00; blocks of ~1 KiB hold a few hours each.
    const day = Array.from({ length: 48 }, (_, i) => ({ time: T0 + (i * HOUR) / 2, actors: [1], text: `event ${i} ${'x'.repeat(40)}` }));
    const { ctx } = await seed([[day]]);
    const whole = await counts(ctx, { actors: [1], from: T0, to: T0 + DAY_MS - 1, buckets: 1 });
    expect(whole.counts).toEqual([48]);
    expect(whole.blocksDecoded).toBe(0);
    expect(whole.blocksFromIndex).toBeGreaterThan(1);
    expect(whole.stats.blocks).toBe(0);
    // Two buckets split the day at noon: only the block holding 11:30 and 12:00 (if one does) is read.
    const halves = await counts(ctx, { actors: [1], from: T0, to: T0 + DAY_MS - 1, buckets: 2 });
    expect(halves.counts).toEqual([24, 24]);
    expect(halves.blocksDecoded).toBeLessThanOrEqual(1);
    expect(halves.blocksDecoded + halves.blocksFromIndex).toBe(whole.blocksFromIndex);
    // A bound inside a block: that block is read, and only its events inside the bound count.
    const part = await counts(ctx, { actors: [1], from: T0 + HOUR, to: T0 + DAY_MS - 1, buckets: 1 });
    expect(part.counts).toEqual([46]);
    expect(part.blocksDecoded).toBe(1);
    // With contains, every block with a match is read.
    const text = await counts(ctx, { actors: [1], from: T0, to: T0 + DAY_MS - 1, buckets: 1, contains: 'EVENT 4' });
    expect(text.counts).toEqual([9]);
    expect(text.blocksDecoded).toBe(whole.blocksFromIndex);
    expect(text.blocksFromIndex).toBe(0);
  });
});
