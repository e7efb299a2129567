import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../../shared/query/context';
import { encodeCursor } from '../../../shared/query/cursor';
import { parseQueryRequest } from '../../../shared/query/request';
import { runQuery } from '../../../shared/query/run-query';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { expectedEvents } from '../../support/query-oracle';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const HOUR = 3_600_000;

/** Follows `next` from the first page to the last, as a client does. */
async function allPages(ctx: QueryContext, query: { actors: number[]; from: number; to: number; limit: number }) {
  const pages: TalesEvent[][] = [];
  let cursor: string | undefined;
  do {
    const params = {
      actors: query.actors.join(','),
      from: String(query.from),
      to: String(query.to),
      limit: String(query.limit),
      ...(cursor ? { cursor } : {}),
    };
    const request = parseQueryRequest(params, { now: T0, maxSpanDays: 366 });
    const result = await runQuery(ctx, request);
    pages.push(result.events);
    cursor = result.resumeAfter ? encodeCursor(request, result.resumeAfter) : undefined;
    if (cursor) expect(result.events).toHaveLength(query.limit);
  } while (cursor);
  return pages;
}

describe('runQuery against s3rver', () => {
  let local: LocalS3;
  let zstd: BlockCompressor;
  let run = 0;
  beforeAll(async () => {
    [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
  });
  afterAll(() => local.stop());

  async function seed(writers: TalesEvent[][][]) {
    const layout = new KeyLayout(`run-${run++}/`);
    const target = { s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 4 } };
    const stored: StoredEvent[] = [];
    for (const [w, batches] of writers.entries()) stored.push(...(await seedWriter(target, `shardId-00000000000${w}`, batches)).stored);
    const ctx = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd, cacheEntries: 50, maxGap: 0 });
    return { ctx, stored };
  }

  // Times over three days, on the hour, so that ties across writers and chunks are common.
  const event = fc.record({
    time: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 23 })).map(([d, h]) => T0 + d * DAY_MS + h * HOUR),
    actors: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    text: fc.string({ maxLength: 30 }),
  });
  const writers = fc.array(fc.array(fc.array(event, { minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 3,
  });
  const query = fc.record({
    actors: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }),
    from: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    to: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    limit: fc.integer({ min: 1, max: 25 }),
  });

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
    const layout = ctx.layout;
    await seedWriter({ s3: local.s3, bucket: local.bucket, layout, zstd }, 'shardId-000000000009', [
      [{ time: T0 + 2 * HOUR, actors: [1], text: 'second' }],
    ]);
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
    // Per day of the range, one list of writers and one probe for compacted metadata; nothing else.
    expect(result.stats.toJSON()).toMatchObject({ requests: 62, lists: 31, compactMetas: 31, manifests: 0, heads: 0 });
  });
});
