import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TruncatedError } from '../../../shared/codec/errors';
import { compactDay } from '../../../shared/compact/compact-day';
import { readCompactMeta } from '../../../shared/compact/read-meta';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { hitBound } from '../../../shared/query/chunk-matches';
import { createQueryContext } from '../../../shared/query/context';
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
    const late = await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 2 * HOUR, actors: [1], text: 'late' }]], { at: LATER });
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

  it('reads a day compacted after it closed with one head read for all its sources, no list and no writer manifest, and only the blocks of the page', async () => {
    const batch = (w: number) => Array.from({ length: 40 }, (_, i) => ({ time: T0 + i * 60_000 + w, actors: [7], text: `w${w} ${i}` }));
    const { ctx } = await seed([[batch(0), batch(1)], [batch(2)]]);
    await compactDay(ctx, DAY0, COMPACT);
    const q = { actors: [7], from: T0, to: T0 + DAY_MS - 1, limit: 3 };
    const first = await runQuery(ctx, q);
    expect(first.events.map((e) => e.text)).toEqual(['w0 0', 'w1 0', 'w2 0']);
    expect(first.stats.toJSON()).toMatchObject({ compactMetas: 1, lateMarkers: 1, heads: 1, lists: 0, manifests: 0 });
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

  it('skips a compacted day without opening its index when its actor summary lacks a queried actor, counted in daysSkipped', async () => {
    const day = (d: number) =>
      Array.from({ length: 20 }, (_, i) => ({ time: T0 + d * DAY_MS + i * HOUR, actors: [1 + (i % 2)], text: `${d}:${i}` }));
    const { ctx, stored } = await seed([[day(0), day(1)]]);
    for (const d of [DAY0, DAY0 + 1]) await compactDay(ctx, d, COMPACT);
    const span = { from: T0, to: T0 + 2 * DAY_MS - 1, limit: 100 };
    const absent = await runQuery(ctx, { actors: [3], ...span });
    expect(absent.events).toEqual([]);
    expect(absent.stats.toJSON()).toMatchObject({ compactMetas: 2, heads: 0, daysSkipped: 2 });
    const and = await runQuery(ctx, { actors: [1, 3], ...span });
    expect(and.events).toEqual([]);
    expect(and.stats.toJSON()).toMatchObject({ heads: 0, daysSkipped: 2 });
    // An actor the summary names is read as before.
    const q = { actors: [2], ...span };
    const present = await runQuery(ctx, q);
    expect(present.events).toEqual(expectedEvents(stored, q).map((s) => s.event));
    expect(present.stats.daysSkipped).toBe(0);
  });

  it('opens a compacted day whose metadata has no actor summary (written before it had one), and finds nothing there', async () => {
    const { ctx } = await seed([[[{ time: T0 + HOUR, actors: [1], text: 'one' }]]]);
    await compactDay(ctx, DAY0, COMPACT);
    const key = ctx.layout.compactMetaKey(DAY0);
    const response = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
    const { actors, ...older } = JSON.parse(await (response.Body as { transformToString(): Promise<string> }).transformToString());
    expect(typeof actors).toBe('string');
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: JSON.stringify(older) }));
    const result = await runQuery(ctx, { actors: [3], from: T0, to: T0 + DAY_MS - 1, limit: 10 });
    expect(result.events).toEqual([]);
    expect(result.stats.toJSON()).toMatchObject({ compactMetas: 1, heads: 1, daysSkipped: 0 });
  });

  it('refuses a compacted day whose actor summary is cut short, naming its metadata', async () => {
    const { ctx } = await seed([[[{ time: T0 + HOUR, actors: [1], text: 'one' }]]]);
    await compactDay(ctx, DAY0, COMPACT);
    const key = ctx.layout.compactMetaKey(DAY0);
    const response = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
    const meta = JSON.parse(await (response.Body as { transformToString(): Promise<string> }).transformToString());
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: JSON.stringify({ ...meta, actors: 'AAAA' }) }));
    const failure = runQuery(ctx, { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 10 });
    await expect(failure).rejects.toThrow(TruncatedError);
    await expect(failure).rejects.toThrow(`${key}: roaring cookie needs 4 bytes at offset 0, only 3 remain`);
  });

  it("reads a small compacted day's index whole: head, dictionary and actor columns in one GET, the same rows as by ranges", async () => {
    const events = Array.from({ length: 60 }, (_, i) => ({
      time: T0 + i * 60_000,
      actors: i % 4 === 0 ? [7, 8] : [7],
      text: `event ${i}`,
    }));
    const { ctx, stored } = await seed([[events]]);
    const store = { s3: ctx.s3, bucket: ctx.bucket, layout: ctx.layout, zstd: ctx.zstd, dayTtlMs: NO_DAY_CACHE };
    await compactDay(ctx, DAY0, COMPACT);
    const q = { actors: [8], from: T0, to: T0 + DAY_MS - 1, limit: 100 };
    const expected = expectedEvents(stored, q).map((s) => s.event);
    const ranged = await runQuery(createQueryContext({ ...store, wholeObjectBytes: 0 }), q);
    expect(ranged.events).toEqual(expected);
    expect(ranged.stats.toJSON()).toMatchObject({ heads: 1, bitmaps: 1 });
    const whole = await runQuery(createQueryContext(store), q);
    expect(whole.events).toEqual(expected);
    expect(whole.stats.toJSON()).toMatchObject({ heads: 1, bitmaps: 0, blocks: ranged.stats.blocks });
  });
});
