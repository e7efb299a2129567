import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import type { TalesEvent } from '../../../shared/event/types';
import { dayName, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { mergeDay } from '../../../shared/tier/merge-day';
import { readTierManifest } from '../../../shared/tier/read-tier';
import { runMerger } from '../../../shared/tier/run-merger';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { HOUR, queryAll, queryPage, T0, workloadArbitraries } from '../../support/query-workload';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const DAYS = [dayNumber(T0), dayNumber(T0) + 1, dayNumber(T0) + 2];

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

function setUp() {
  const store = new MemoryS3();
  const s3 = store.client();
  const layout = new KeyLayout('tier/');
  const target = { s3, bucket: store.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 2 } };
  // A small cache, so that heads and bitmaps are also read again after a merge.
  const context = () =>
    createQueryContext({ s3, bucket: store.bucket, layout, zstd, cacheBytes: 64 * 1024, maxGap: 0, dayTtlMs: { open: 0, closed: 0 } });
  return { store, s3, layout, target, context };
}

type Step =
  | { readonly kind: 'batch'; readonly writer: number; readonly events: TalesEvent[] }
  | { readonly kind: 'merge'; readonly fanIn: number }
  | { readonly kind: 'query'; readonly query: Parameters<typeof queryAll>[1]; readonly mergeBeforeResume: boolean };

describe('merged index segments', () => {
  const { event, query } = workloadArbitraries({ slotMs: HOUR, actors: 5, maxText: 20, maxBatch: 12, maxLimit: 6 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant('batch' as const),
      writer: fc.integer({ min: 0, max: 2 }),
      events: fc.array(event, { minLength: 1, maxLength: 12 }),
    }),
    fc.record({ kind: fc.constant('merge' as const), fanIn: fc.integer({ min: 2, max: 3 }) }),
    fc.record({ kind: fc.constant('query' as const), query, mergeBeforeResume: fc.boolean() }),
  );

  it('answers every query as the oracle does whatever has been merged, and cursors issued before a merge stay valid after it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const { store, target, context } = setUp();
        const warm = context();
        const stored: StoredEvent[] = [];
        const mergeAll = async (fanIn: number) => {
          for (const day of DAYS) expect((await mergeDay(target, day, { fanIn })).status).not.toBe('conflict');
        };
        for (const s of steps) {
          if (s.kind === 'batch') stored.push(...(await seedWriter(target, `shardId-00000000000${s.writer}`, [s.events])).stored);
          else if (s.kind === 'merge') await mergeAll(s.fanIn);
          else {
            const expected = expectedEvents(stored, s.query).map((e) => e.event);
            expect(await queryAll(context(), s.query)).toEqual(expected);
            const first = await queryPage(warm, s.query);
            if (s.mergeBeforeResume) await mergeAll(2);
            const rest = first.next ? await queryAll(warm, s.query, first.next) : [];
            expect([...first.events, ...rest]).toEqual(expected);
          }
        }
        await mergeAll(2);
        const everything = { actors: [1], from: T0, to: T0 + 3 * 24 * HOUR, limit: 5 };
        const expected = expectedEvents(stored, everything).map((e) => e.event);
        expect(await queryAll(context(), everything)).toEqual(expected);
        // The days close and are sealed: the same answers, a cursor issued before the seal still valid, no list read.
        const first = await queryPage(warm, everything);
        for (const day of DAYS) expect((await mergeDay(target, day, { seal: true })).status).not.toBe('conflict');
        const rest = first.next ? await queryAll(warm, everything, first.next) : [];
        expect([...first.events, ...rest]).toEqual(expected);
        expect(await queryAll(context(), everything)).toEqual(expected);
        const sealed = await runQuery(context(), { ...everything, to: T0 + 3 * 24 * HOUR - 1, limit: 1000 });
        // Only a day a batch reached over a day after it closed (marked late by its writer) is listed.
        const marked = DAYS.filter((day) => store.objects.has(target.layout.lateChunksKey(day))).length;
        expect(sealed.stats.lists).toBe(marked);
        expect(sealed.stats.manifests === 0).toBe(marked === 0);
      }),
      { numRuns: 12 },
    );
  }, 180_000);

  it('folds a level into the next once it holds fanIn segments, and covers every chunk exactly once', async () => {
    const { target } = setUp();
    const day = DAYS[0] as number;
    const levels: number[][] = [];
    for (let run = 0; run < 5; run++) {
      await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + run * HOUR, actors: [1], text: `run ${run}` }]]);
      const outcome = await mergeDay(target, day, { fanIn: 2 });
      if (outcome.status !== 'merged') throw new Error(`run ${run}: ${outcome.status}`);
      levels.push(outcome.manifest.segments.map((segment) => segment.level));
    }
    // Binary counting: 1 chunk, 2 → one level 1, 3, 4 → one level 2, 5.
    expect(levels).toEqual([[0], [1], [1, 0], [2], [2, 0]]);
    const stored = await readTierManifest(target.s3, target.bucket, target.layout, day);
    const seqs = stored?.manifest.segments.flatMap((segment) => segment.sources.map((source) => source.seq)).sort();
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
    expect((await mergeDay(target, day, { fanIn: 2 })).status).toBe('unchanged');
  });

  it('opens one head for a merged segment instead of one per chunk, and reads blocks from the chunks that match', async () => {
    const { target, context } = setUp();
    const day = DAYS[0] as number;
    const batches = Array.from({ length: 6 }, (_, i) => [{ time: T0 + i * HOUR, actors: [i === 4 ? 9 : 1], text: `batch ${i}` }]);
    await seedWriter(target, 'shardId-000000000000', batches);
    await mergeDay(target, day);
    await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 7 * HOUR, actors: [9], text: 'not merged yet' }]]);
    const result = await runQuery(context(), { actors: [9], from: T0, to: T0 + 24 * HOUR - 1, limit: 10 });
    expect(result.events.map((e) => e.text)).toEqual(['batch 4', 'not merged yet']);
    // The segment's head, and the one chunk the merger has not covered read whole (head and block in one GET);
    // then the block of the one matching chunk the segment covers.
    expect(result.stats.toJSON()).toMatchObject({ tierManifests: 1, manifests: 1, heads: 2, bitmaps: 0, blocks: 1 });
  });

  it('seals a closed day into one segment (inline postings up to 16), which a query reads with no list and no writer manifest', async () => {
    const { target, context } = setUp();
    const day = DAYS[0] as number;
    const batches = Array.from({ length: 5 }, (_, i) => [{ time: T0 + i * HOUR, actors: [i === 3 ? 9 : 1], text: `batch ${i}` }]);
    await seedWriter(target, 'shardId-000000000000', batches.slice(0, 3));
    await mergeDay(target, day, { fanIn: 2 });
    await seedWriter(target, 'shardId-000000000001', batches.slice(3));
    const outcome = await mergeDay(target, day, { fanIn: 2, seal: true });
    if (outcome.status !== 'merged') throw new Error(outcome.status);
    expect(outcome.manifest.sealed).toBe(true);
    expect(outcome.manifest.segments.map((segment) => segment.sources.length)).toEqual([5]);
    expect((await mergeDay(target, day, { seal: true })).status).toBe('unchanged');
    const result = await runQuery(context(), { actors: [1], from: T0, to: T0 + 24 * HOUR - 1, limit: 10 });
    expect(result.events.map((e) => e.text)).toEqual(['batch 0', 'batch 1', 'batch 2', 'batch 4']);
    expect(result.stats.toJSON()).toMatchObject({ lists: 0, manifests: 0, tierManifests: 1, compactMetas: 1, heads: 1, bitmaps: 0 });
    // Its actor summary answers for an absent actor, alone or in an AND: no head is opened.
    for (const actors of [[42], [1, 42]]) {
      const absent = await runQuery(context(), { actors, from: T0, to: T0 + 24 * HOUR - 1, limit: 10 });
      expect(absent.events).toEqual([]);
      expect(absent.stats.toJSON()).toMatchObject({ lists: 0, manifests: 0, tierManifests: 1, heads: 0, daysSkipped: 1 });
    }
  });

  it('runMerger seals the day that closed last, once, and only folds the days still open', async () => {
    const { target } = setUp();
    const day = DAYS[0] as number;
    await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + HOUR, actors: [1], text: 'a' }]]);
    await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 2 * HOUR, actors: [1], text: 'b' }]]);
    const endOfDay = (day + 1) * 24 * HOUR;
    const open = await runMerger(target, { now: endOfDay + HOUR, closeAfterMs: 2 * HOUR });
    expect(open.find((report) => report.day === dayName(day))).toEqual({
      day: dayName(day),
      status: 'merged',
      chunks: 2,
      segments: 1,
      deleted: 0,
    });
    expect((await readTierManifest(target.s3, target.bucket, target.layout, day))?.manifest.sealed).toBeUndefined();
    const closed = await runMerger(target, { now: endOfDay + 3 * HOUR, closeAfterMs: 2 * HOUR });
    expect(closed[0]).toEqual({ day: dayName(day), status: 'merged', chunks: 0, segments: 1, deleted: 0 });
    expect((await readTierManifest(target.s3, target.bucket, target.layout, day))?.manifest.sealed).toBe(true);
    const again = await runMerger(target, { now: endOfDay + 4 * HOUR, closeAfterMs: 2 * HOUR });
    expect(again[0]).toEqual({ day: dayName(day), status: 'unchanged' });
  });

  it('a seal retires the segments it folds, and a later run deletes them once their grace is over, keeping the day sealed', async () => {
    const { store, target } = setUp();
    const day = DAYS[0] as number;
    await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + HOUR, actors: [1], text: 'a' }]]);
    expect((await mergeDay(target, day, { now: 1 })).status).toBe('merged');
    await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 2 * HOUR, actors: [2], text: 'b' }]]);
    expect((await mergeDay(target, day, { now: 2 })).status).toBe('merged');
    const before = (await readTierManifest(target.s3, target.bucket, target.layout, day))?.manifest;
    expect(before?.segments).toHaveLength(2);
    const sealed = await mergeDay(target, day, { now: 3, seal: true, graceMs: 10 });
    if (sealed.status !== 'merged') throw new Error(`seal ${sealed.status}`);
    expect(sealed.manifest.segments).toHaveLength(1);
    expect(sealed.manifest.retired?.map((old) => old.id).sort()).toEqual(before?.segments.map((segment) => segment.id).sort());
    expect((await mergeDay(target, day, { now: 12, graceMs: 10 })).status).toBe('unchanged');
    const swept = await mergeDay(target, day, { now: 13, graceMs: 10 });
    if (swept.status !== 'merged') throw new Error(`sweep ${swept.status}`);
    expect(swept.deleted).toBe(2);
    expect(swept.manifest).toMatchObject({ sealed: true, actors: sealed.manifest.actors });
    expect(swept.manifest.retired).toBeUndefined();
    for (const segment of before?.segments ?? []) expect(store.get(target.layout.segmentKey(day, segment.id))).toBeUndefined();
  });

  it('leaves a compacted day alone: after a forced compaction and its sweep, a run reads no swept chunk', async () => {
    const { target, context, store } = setUp();
    const day = DAYS[0] as number;
    const seeded = await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + HOUR, actors: [1], text: 'a' }]]);
    expect((await mergeDay(target, day)).status).toBe('merged');
    const compacted = await compactDay(target, day, { now: T0 + 2 * HOUR, force: true });
    if (compacted.status !== 'compacted') throw new Error(compacted.status);
    expect(await sweepCompactedChunks(target, compacted.meta, T0 + 2 * HOUR, 0)).toMatchObject({
      status: 'swept',
      deleted: 1,
      tierDeleted: 2,
    });
    const late = await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 3 * HOUR, actors: [1], text: 'late' }]]);
    expect(await mergeDay(target, day)).toEqual({ status: 'unchanged' });
    expect([...store.objects.keys()].filter((key) => key.includes('/tier/'))).toEqual([]);
    const q = { actors: [1], from: T0, to: T0 + 24 * HOUR - 1, limit: 10 };
    expect(await queryAll(context(), q)).toEqual(expectedEvents([...seeded.stored, ...late.stored], q).map((e) => e.event));
  });

  it('lets only one of two concurrent mergers commit (conditional PUT of the tier manifest)', async () => {
    const { target, context } = setUp();
    const day = DAYS[0] as number;
    const seeded = await seedWriter(target, 'shardId-000000000000', [
      [{ time: T0 + HOUR, actors: [1], text: 'a' }],
      [{ time: T0 + 2 * HOUR, actors: [1], text: 'b' }],
    ]);
    const outcomes = await Promise.all([mergeDay(target, day), mergeDay(target, day)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['conflict', 'merged']);
    const q = { actors: [1], from: T0, to: T0 + 24 * HOUR - 1, limit: 10 };
    expect(await queryAll(context(), q)).toEqual(expectedEvents(seeded.stored, q).map((e) => e.event));
  });

  it('leaves the day readable when a run dies before its commit, and the retry commits', async () => {
    const { store, target, context } = setUp();
    const day = DAYS[0] as number;
    const seeded = await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + HOUR, actors: [1, 2], text: 'a' }]]);
    const manifestKey = target.layout.tierManifestKey(day);
    const failing = store.client();
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === 'PutObjectCommand' && input.Key === manifestKey) throw new Error('crashed before the commit');
        return next(args);
      },
      { step: 'initialize' },
    );
    await expect(mergeDay({ ...target, s3: failing }, day)).rejects.toThrow('crashed before the commit');
    const q = { actors: [2], from: T0, to: T0 + 24 * HOUR - 1, limit: 10 };
    const expected = expectedEvents(seeded.stored, q).map((e) => e.event);
    expect(await queryAll(context(), q)).toEqual(expected);
    expect((await mergeDay(target, day)).status).toBe('merged');
    expect(await queryAll(context(), q)).toEqual(expected);
  });
});
