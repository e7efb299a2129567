import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import type { QueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { expectedEvents } from '../../support/query-oracle';
import { HOUR, type QueryCase, queryPages, seedWorkload, T0, useQueryStore, workloadArbitraries } from '../../support/query-workload';
import { seedWriter } from '../../support/seed-chunks';

/** Follows `next` from the first page to the last, as a client does; every page but the last is full. */
async function allPages(ctx: QueryContext, query: QueryCase) {
  const pages = await queryPages(ctx, query);
  for (const page of pages.slice(0, -1)) expect(page).toHaveLength(query.limit);
  return pages;
}

/** Every query reads its days afresh: these tests watch lists and manifests, and compaction changing a day (day-cache.test.ts covers the cache). */
const NO_DAY_CACHE = { open: 0, closed: 0 };

describe('runQuery against s3rver', () => {
  const store = useQueryStore('run');
  const seed = (writers: TalesEvent[][][]) =>
    seedWorkload(store, writers, {
      chunkOptions: { blockSize: 1024, inlineMax: 4 },
      cacheBytes: 256 * 1024,
      maxGap: 0,
      dayTtlMs: NO_DAY_CACHE,
    });

  // Times over three days, on the hour, so that ties across writers and chunks are common.
  const { writers, query } = workloadArbitraries({ slotMs: HOUR, actors: 5, maxText: 30, maxBatch: 60, maxLimit: 25 });

  it('pages through exactly the oracle list, in either direction, with no duplicate or gap', async () => {
    await fc.assert(
      fc.asyncProperty(writers, fc.array(query, { minLength: 1, maxLength: 4 }), async (workload, queries) => {
        const { ctx, stored } = await seed(workload);
        for (const q of queries) {
          const expected = expectedEvents(stored, q).map((s) => s.event);
          // Twice: with an empty head cache, then with a warm one (which reads ahead more).
          expect((await allPages(ctx, q)).flat()).toEqual(expected);
          expect((await allPages(ctx, q)).flat()).toEqual(expected);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('answers a whole day of every hour in both directions, with ties broken by writer, then chunk, then ordinal', async () => {
    const batch = (text: string) => Array.from({ length: 24 }, (_, h) => ({ time: T0 + h * HOUR, actors: [9], text: `${text}${h}` }));
    const { ctx } = await seed([[batch('a'), batch('b')], [batch('c')]]);
    const ascending = (await allPages(ctx, { actors: [9], from: T0, to: T0 + DAY_MS - 1, limit: 5 })).flat();
    expect(ascending.slice(0, 4).map((e) => e.text)).toEqual(['a0', 'b0', 'c0', 'a1']);
    expect(ascending).toHaveLength(72);
    const descending = (await allPages(ctx, { actors: [9], from: T0 + DAY_MS - 1, to: T0, limit: 7 })).flat();
    expect(descending).toEqual([...ascending].reverse());
  });

  it('finds a writer that appears after an earlier query, though manifests are fetched from the last writers seen', async () => {
    const { ctx } = await seed([[[{ time: T0 + HOUR, actors: [1], text: 'first' }]]]);
    const query = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 10 };
    expect((await runQuery(ctx, query)).events.map((e) => e.text)).toEqual(['first']);
    const { s3, bucket, layout, zstd } = ctx;
    await seedWriter({ s3, bucket, layout, zstd }, 'shardId-000000000009', [[{ time: T0 + 2 * HOUR, actors: [1], text: 'second' }]]);
    const again = await runQuery(ctx, query);
    expect(again.events.map((e) => e.text)).toEqual(['first', 'second']);
    expect(again.stats.toJSON()).toMatchObject({ lists: 1, manifests: 2 });
    // A day without those writers: the guessed manifest is a miss, counted, and nothing breaks.
    const empty = await runQuery(ctx, { ...query, from: T0 + DAY_MS, to: T0 + 2 * DAY_MS - 1 });
    expect(empty.events).toEqual([]);
    expect(empty.stats.toJSON()).toMatchObject({ lists: 1, manifests: 2, heads: 0 });
  });

  it('reads days ahead only when the days before them certainly cannot fill the page', async () => {
    const day = (d: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        time: T0 + d * DAY_MS + (i * HOUR) / 4,
        actors: i % 10 === 0 ? [1, 2] : [1],
        text: `d${d} ${i}`,
      }));
    const { ctx } = await seed([[day(0), day(1), day(2)]]);
    const range = { from: T0, to: T0 + 3 * DAY_MS - 1 };
    await runQuery(ctx, { actors: [1], ...range, limit: 1000 });
    // Heads cached: day 0 holds 50 events of actor 1, enough for a page of 10, so no other day is listed.
    const full = await runQuery(ctx, { actors: [1], ...range, limit: 10 });
    expect(full.stats.toJSON()).toMatchObject({ lists: 1, heads: 0 });
    // Actor 2 has 5 events a day: all three days are needed, and all are loaded (ahead, in parallel).
    const sparse = await runQuery(ctx, { actors: [2], ...range, limit: 100 });
    expect(sparse.events.map((e) => e.text)).toEqual([0, 1, 2].flatMap((d) => [0, 10, 20, 30, 40].map((i) => `d${d} ${i}`)));
    expect(sparse.stats.toJSON()).toMatchObject({ lists: 3 });
  });

  it('finds nothing, and reads no chunk, where no day holds data', async () => {
    const { ctx } = await seed([[[{ time: T0, actors: [1], text: 'x' }]]]);
    const result = await runQuery(ctx, { actors: [1], from: T0 + 40 * DAY_MS, to: T0 + 10 * DAY_MS, limit: 10 });
    expect(result.events).toEqual([]);
    expect(result.resumeAfter).toBeUndefined();
    // Per (closed) day of the range, one list of writers and probes for compacted metadata, merged segments and late chunks; nothing else.
    expect(result.stats.toJSON()).toMatchObject({
      requests: 124,
      lists: 31,
      compactMetas: 31,
      tierManifests: 31,
      lateMarkers: 31,
      manifests: 0,
      heads: 0,
    });
  });
});
