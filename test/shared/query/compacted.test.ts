import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactDay } from '../../../shared/compact/compact-day';
import { readCompactMeta } from '../../../shared/compact/read-meta';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { hitBound } from '../../../shared/query/chunk-matches';
import { daySources } from '../../../shared/query/day-sources';
import { runQuery } from '../../../shared/query/run-query';
import { QueryStats } from '../../../shared/query/stats';
import { faultyS3 } from '../../support/faulty-s3';
import { expectedEvents } from '../../support/query-oracle';
import { HOUR, queryAll, queryPage, seedWorkload, T0, useQueryStore, workloadArbitraries } from '../../support/query-workload';
import { seedWriter } from '../../support/seed-chunks';

const DAY0 = dayNumber(T0);
const LATER = T0 + 10 * DAY_MS;
const COMPACT = { now: LATER, blockSize: 1024, partBytes: 2048 } as const;

/** Every query reads its days afresh: these tests watch lists and manifests, and compaction changing a day (day-cache.test.ts covers the cache). */
const NO_DAY_CACHE = { open: 0, closed: 0 };

describe('queries over compacted days', () => {
  const store = useQueryStore('compacted');
  const seed = (writers: TalesEvent[][][]) =>
    seedWorkload(store, writers, {
      chunkOptions: { blockSize: 1024, inlineMax: 4 },
      cacheBytes: 256 * 1024,
      maxGap: 0,
      dayTtlMs: NO_DAY_CACHE,
    });
  const { writers, query } = workloadArbitraries({ slotMs: HOUR, actors: 5, maxText: 30, maxBatch: 50, maxLimit: 20 });

  it('answers exactly as before compaction, in both directions, and cursors issued before it stay valid', async () => {
    await fc.assert(
      fc.asyncProperty(writers, fc.array(query, { minLength: 1, maxLength: 4 }), async (workload, queries) => {
        const { ctx, stored } = await seed(workload);
        const firstPages = [];
        for (const q of queries) {
          const expected = expectedEvents(stored, q).map((s) => s.event);
          expect(await queryAll(ctx, q)).toEqual(expected);
          firstPages.push(await queryPage(ctx, q));
        }
        for (const day of [DAY0, DAY0 + 1]) await compactDay(ctx, day, COMPACT);
        for (const [i, q] of queries.entries()) {
          const expected = expectedEvents(stored, q).map((s) => s.event);
          expect(await queryAll(ctx, q)).toEqual(expected);
          const before = firstPages[i] as Awaited<ReturnType<typeof queryPage>>;
          const resumed = before.next ? await queryAll(ctx, q, before.next) : [];
          expect([...before.events, ...resumed]).toEqual(expected);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('reads a chunk written to a compacted day after the compaction beside the compacted form', async () => {
    const { target, ctx, stored } = await seed([
      [
        [
          { time: T0 + HOUR, actors: [1], text: 'early' },
          { time: T0 + 3 * HOUR, actors: [1, 2], text: 'both' },
        ],
      ],
    ]);
    await compactDay(ctx, DAY0, COMPACT);
    const late = await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 2 * HOUR, actors: [1], text: 'late' }]]);
    expect(late.keys).toEqual([target.layout.chunkKey(DAY0, 'shardId-000000000000', 1)]);
    const q = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 2 };
    expect((await queryAll(ctx, q)).map((e) => e.text)).toEqual(['early', 'late', 'both']);
    expect(await queryAll(ctx, q)).toEqual(expectedEvents([...stored, ...late.stored], q).map((s) => s.event));
    // A second compaction of the day leaves it as it is: the late chunk stays a writer chunk.
    expect((await compactDay(ctx, DAY0, COMPACT)).status).toBe('already-compacted');
  });

  it('answers correctly while a compaction is cut off half way and after the writer chunks are swept', async () => {
    const batch = (d: number) =>
      Array.from({ length: 30 }, (_, i) => ({ time: T0 + d * DAY_MS + i * HOUR, actors: [1 + (i % 3)], text: `${d}:${i}` }));
    const { ctx, stored } = await seed([[batch(0), batch(1)], [batch(0)]]);
    const q = { actors: [2], from: T0 + 2 * DAY_MS, to: T0, limit: 4 };
    const expected = expectedEvents(stored, q).map((s) => s.event);
    const faulty = faultyS3(store.local.endpoint);
    // The data and index objects are written, the metadata is not.
    faulty.arm({ call: 1, lost: 'request', command: 'PutObjectCommand', key: ctx.layout.compactMetaKey(DAY0) });
    await expect(compactDay({ ...ctx, s3: faulty.s3 }, DAY0, COMPACT)).rejects.toThrow();
    expect(await queryAll(ctx, q)).toEqual(expected);
    expect((await compactDay(ctx, DAY0, COMPACT)).status).toBe('compacted');
    expect(await queryAll(ctx, q)).toEqual(expected);
    const meta = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, DAY0);
    if (!meta) throw new Error('not compacted');
    expect((await sweepCompactedChunks(ctx, meta, LATER, 0)).status).toBe('swept');
    expect(await queryAll(ctx, q)).toEqual(expected);
  });

  it('reads a compacted day with one head read for all its sources, and only the blocks of the page', async () => {
    const batch = (w: number) => Array.from({ length: 40 }, (_, i) => ({ time: T0 + i * 60_000 + w, actors: [7], text: `w${w} ${i}` }));
    const { ctx } = await seed([[batch(0), batch(1)], [batch(2)]]);
    await compactDay(ctx, DAY0, COMPACT);
    const q = { actors: [7], from: T0, to: T0 + DAY_MS - 1, limit: 3 };
    const first = await runQuery(ctx, q);
    expect(first.events.map((e) => e.text)).toEqual(['w0 0', 'w1 0', 'w2 0']);
    expect(first.stats.toJSON()).toMatchObject({ heads: 1, lists: 1 });
    expect(first.stats.blocks).toBeLessThanOrEqual(3);
  });

  it("reads a re-encoded day as one chunk, bounded exactly once the day's AND is known, so merges can plan reads", async () => {
    const batch = (w: number) =>
      Array.from({ length: 30 }, (_, i) => ({ time: T0 + i * 60_000 + w, actors: i % 3 === 0 ? [7, 8] : [7], text: `w${w} ${i}` }));
    const { ctx, stored } = await seed([[batch(0), batch(1)], [batch(2)]]);
    await compactDay(ctx, DAY0, COMPACT);
    const refs = await daySources(ctx, DAY0, new QueryStats());
    expect(refs.map((ref) => [ref.writer, ref.record.entries])).toEqual([['', 90]]);
    const bounds = () => refs.map((ref) => hitBound(ctx, ref, [8, 7]));
    expect(bounds()).toEqual([Number.POSITIVE_INFINITY]);
    await runQuery(ctx, { actors: [7, 8], from: T0, to: T0 + DAY_MS - 1, limit: 100 });
    expect(bounds()).toEqual([stored.filter((s) => s.event.actors.includes(8)).length]);
    expect(bounds()).toEqual([30]);
  });
});
