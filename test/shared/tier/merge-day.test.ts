import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { mergeDay } from '../../../shared/tier/merge-day';
import { readTierManifest } from '../../../shared/tier/read-tier';
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
        const { target, context } = setUp();
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
        expect(await queryAll(context(), everything)).toEqual(expectedEvents(stored, everything).map((e) => e.event));
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
    // The segment's head, then the one chunk the merger has not covered; blocks of the two matching chunks only.
    expect(result.stats.toJSON()).toMatchObject({ tierManifests: 1, manifests: 1, heads: 2, bitmaps: 0, blocks: 2 });
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
