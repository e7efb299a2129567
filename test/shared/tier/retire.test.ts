import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { daySources } from '../../../shared/query/day-sources';
import { QueryStats } from '../../../shared/query/stats';
import { mergeDay, SEGMENT_GRACE_MS } from '../../../shared/tier/merge-day';
import { readTierManifest } from '../../../shared/tier/read-tier';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { HOUR, queryAll, T0 } from '../../support/query-workload';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const DAY = dayNumber(T0);
/** The merger's clock: the day is open throughout. */
const NOW = T0 + 2 * HOUR;

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

/** A store that enforces conditional writes and deletes, with `batches` chunks of one writer. */
async function setUp(batches: number) {
  const store = new MemoryS3();
  const s3 = store.client();
  const layout = new KeyLayout('retire/');
  const target = { s3, bucket: store.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 2 } };
  const stored: StoredEvent[] = [];
  for (let b = 0; b < batches; b++) {
    const events = [{ time: T0 + b * 60_000, actors: [1, 2 + (b % 2)], text: `batch ${b}` }];
    stored.push(...(await seedWriter(target, 'shardId-000000000000', [events])).stored);
  }
  const segmentKeys = () => [...store.objects.keys()].filter((key) => key.includes('/tier/') && key.endsWith('.index.tale'));
  return { store, target, stored, segmentKeys };
}

describe('superseded segments', () => {
  const query = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 1 };

  it('stay stored through their grace period, so a query that listed them before the fold still answers, then go', async () => {
    const { store, target, stored, segmentKeys } = await setUp(2);
    const expected = expectedEvents(stored, query).map((e) => e.event);
    expect((await mergeDay(target, DAY, { fanIn: 2, now: NOW })).status).toBe('merged');
    const [level0] = segmentKeys();
    // Queries under way: each has listed the day's sources (the level-0 segment) and not yet opened them.
    const inFlight = () => {
      const ctx = createQueryContext({
        s3: target.s3,
        bucket: store.bucket,
        layout: target.layout,
        zstd,
        dayTtlMs: { open: 60_000, closed: 60_000 },
      });
      return daySources(ctx, DAY, new QueryStats()).then(() => ctx);
    };
    const [early, late] = await Promise.all([inFlight(), inFlight()]);

    // Two more chunks: level 0 holds two segments, which fold into one of level 1; the old one is retired.
    stored.push(...(await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 5 * 60_000, actors: [1], text: 'later' }]])).stored);
    const folded = await mergeDay(target, DAY, { fanIn: 2, now: NOW });
    if (folded.status !== 'merged') throw new Error(folded.status);
    expect(folded.manifest.segments.map((segment) => segment.level)).toEqual([1]);
    expect(folded.manifest.retired?.map((old) => [target.layout.segmentKey(DAY, old.id), old.retiredAt])).toEqual([[level0, NOW]]);

    // Within the grace period a run deletes nothing, and the query resumes through the retired segment.
    const within = await mergeDay(target, DAY, { fanIn: 2, now: NOW + SEGMENT_GRACE_MS - 1 });
    expect(within.status).toBe('unchanged');
    expect(segmentKeys()).toContain(level0);
    expect(await queryAll(early, query)).toEqual(expected);
    expect(expected).toHaveLength(2);

    // Once it has passed, the next run deletes it and drops it from the manifest; a new query reads the rest.
    const after = await mergeDay(target, DAY, { fanIn: 2, now: NOW + SEGMENT_GRACE_MS });
    expect(after).toMatchObject({ status: 'merged', deleted: 1, chunks: 0, segments: 0 });
    expect(segmentKeys()).not.toContain(level0);
    // Why the grace period: a query that had listed the day before the fold could not read it now.
    await expect(queryAll(late, query)).rejects.toThrow(level0);
    expect((await readTierManifest(target.s3, store.bucket, target.layout, DAY))?.manifest.retired).toBeUndefined();
    const fresh = createQueryContext({
      s3: target.s3,
      bucket: store.bucket,
      layout: target.layout,
      zstd,
      dayTtlMs: { open: 0, closed: 0 },
    });
    expect(await queryAll(fresh, query)).toEqual(expectedEvents(stored, query).map((e) => e.event));
  });

  it('are deleted once even when the run that deletes them dies before its commit', async () => {
    const { store, target, segmentKeys } = await setUp(4);
    await mergeDay(target, DAY, { fanIn: 8, now: NOW });
    await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + HOUR, actors: [1], text: 'x' }]]);
    await mergeDay(target, DAY, { fanIn: 2, now: NOW });
    // The old level-0 segment (retired) and the level-1 one; the new level-0 segment was folded before it was written.
    expect(segmentKeys()).toHaveLength(2);
    const manifestKey = target.layout.tierManifestKey(DAY);
    const failing = store.client();
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand' && (args.input as { Key?: string }).Key === manifestKey) throw new Error('crashed');
        return next(args);
      },
      { step: 'initialize' },
    );
    const late = NOW + SEGMENT_GRACE_MS;
    await expect(mergeDay({ ...target, s3: failing }, DAY, { fanIn: 2, now: late })).rejects.toThrow('crashed');
    expect(segmentKeys()).toHaveLength(1);
    // The retry deletes it again (a key already gone counts as deleted) and commits the manifest without it.
    expect(await mergeDay(target, DAY, { fanIn: 2, now: late })).toMatchObject({ status: 'merged', deleted: 1 });
    expect(segmentKeys()).toHaveLength(1);
    expect((await readTierManifest(target.s3, store.bucket, target.layout, DAY))?.manifest.retired).toBeUndefined();
  });

  it("all go with the day's whole tier/ when the compacted day is swept, after its grace period", async () => {
    const { store, target, stored } = await setUp(3);
    await mergeDay(target, DAY, { fanIn: 2, now: NOW });
    const tierKeys = () => [...store.objects.keys()].filter((key) => key.includes('/tier/'));
    expect(tierKeys().length).toBeGreaterThan(1);
    const done = await compactDay(target, DAY, { now: T0 + 3 * DAY_MS, blockSize: 1024 });
    if (done.status !== 'compacted') throw new Error(done.status);
    expect(await sweepCompactedChunks(target, done.meta, T0 + 3 * DAY_MS + 59_999, 60_000)).toEqual({ status: 'in-grace' });
    expect(tierKeys().length).toBeGreaterThan(1);
    const swept = await sweepCompactedChunks(target, done.meta, T0 + 3 * DAY_MS + 60_000, 60_000);
    expect(swept).toMatchObject({ status: 'swept', deleted: 3, tierDeleted: 2 });
    expect(tierKeys()).toEqual([]);
    const fresh = createQueryContext({
      s3: target.s3,
      bucket: store.bucket,
      layout: target.layout,
      zstd,
      dayTtlMs: { open: 0, closed: 0 },
    });
    expect(await queryAll(fresh, query)).toEqual(expectedEvents(stored, query).map((e) => e.event));
  });
});
