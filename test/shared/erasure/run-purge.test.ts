import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import { runCompaction } from '../../../shared/compact/run-compaction';
import { eraseActor, readErasure } from '../../../shared/erasure/erase-actor';
import { erasureFilter } from '../../../shared/erasure/erased-actors';
import { readErasedSet } from '../../../shared/erasure/erased-set';
import { ErasureKeys } from '../../../shared/erasure/keys';
import type { RecordStore } from '../../../shared/erasure/purge-records';
import { statusOf } from '../../../shared/erasure/record';
import { runPurge } from '../../../shared/erasure/run-purge';
import { DAY_MS, dayName, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { mergeDay } from '../../../shared/tier/merge-day';
import { readTierManifest } from '../../../shared/tier/read-tier';
import { runMerger } from '../../../shared/tier/run-merger';
import { expectNoTrace } from '../../support/erasure-scan';
import { MemoryS3 } from '../../support/memory-s3';
import { seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const CLOSE = 26 * 3_600_000;
const MARKER = 'SECRET-OF-7';

/** A MemoryS3 with the data below `prefix` and the erasure records beside it (erase returns at once). */
async function memoryStore(prefix: string) {
  const memory = new MemoryS3();
  const s3 = memory.client();
  const layout = new KeyLayout(prefix);
  const zstd = await loadZstd();
  return {
    memory,
    s3,
    layout,
    zstd,
    ctx: { s3, bucket: memory.bucket, layout, zstd },
    store: { s3, bucket: memory.bucket, keys: new ErasureKeys(layout), settleMs: 0 },
  };
}

describe('purge passes', () => {
  it('purge a closed day at the next pass, an open day once it closes, and record the progress for the audit', async () => {
    const { memory, ctx, store } = await memoryStore('p/');
    const openDay = T0 + 3 * DAY_MS;
    await seedWriter(ctx, 'shardId-000000000000', [
      [
        { time: T0 + 1, actors: [7], text: 'closed, erased' },
        { time: T0 + 2, actors: [8], text: 'closed, kept' },
        { time: openDay + 1, actors: [7, 8], text: 'open, erased' },
      ],
    ]);
    const now = openDay + 3_600_000;
    const erasure = await eraseActor(store, { actor: 7, principal: 'arn:aws:iam::123456789012:role/Dpo', now });
    const pass = async (at: number) => {
      await runCompaction(ctx, { now: at, graceMs: 0, lookbackDays: 7 });
      return runPurge(ctx, store, await readErasedSet(store), { now: at, graceMs: 0 });
    };
    expect((await pass(now)).days).toEqual([
      { day: dayName(dayNumber(T0)), purged: 1, holding: [] },
      { day: dayName(dayNumber(openDay)), purged: 0, holding: [7] },
    ]);
    const purging = await readErasure(store, erasure.id);
    expect(purging && statusOf(purging)).toBe('purging');
    expect(purging?.days).toEqual([dayName(dayNumber(openDay))]);

    const closed = (dayNumber(openDay) + 1) * DAY_MS + CLOSE + 1;
    expect((await pass(closed)).days).toEqual([{ day: dayName(dayNumber(openDay)), purged: 1, holding: [] }]);
    const purged = await readErasure(store, erasure.id);
    expect(purged).toEqual({ ...erasure, days: [], purgedAt: closed });
    expect(purged && statusOf(purged)).toBe('purged');
    const texts = [...memory.objects.values()].map((object) => Buffer.from(object.body).toString('latin1')).join('\n');
    expect(texts).not.toContain('erased');
    expect(await pass(closed + 1)).toEqual({ days: [], records: [] });
  });

  it('leave no byte of an erased actor anywhere under the prefix: merged segments, a late chunk, rejected records and failed batches included', async () => {
    const { memory, s3, layout, zstd, ctx, store } = await memoryStore('q/');
    const day = dayNumber(T0);
    // GIVEN a day merged into segments while open, then compacted, then given a late chunk
    await seedWriter(ctx, 'shardId-000000000000', [
      [{ time: T0 + 1, actors: [7, 8], text: `${MARKER} one` }],
      [{ time: T0 + 2, actors: [8], text: 'kept one' }],
    ]);
    expect((await mergeDay(ctx, day)).status).toBe('merged');
    const closed = (day + 1) * DAY_MS + CLOSE + 1;
    await runCompaction(ctx, { now: closed, graceMs: 0, lookbackDays: 7 });
    await seedWriter(ctx, 'shardId-000000000000', [
      [
        { time: T0 + 3, actors: [7], text: `${MARKER} late` },
        { time: T0 + 4, actors: [8], text: 'kept late' },
      ],
    ]);
    // AND records of actor 7 that never became events: rejected, and in a failed batch (local mode's destination)
    const data = (value: string) => Buffer.from(value).toString('base64');
    memory.put(
      layout.rejectedKey(day, 'shardId-000000000000', '49000000000000000000009'),
      Buffer.from(`${JSON.stringify({ sequenceNumber: '9', code: 'not_json', data: data(`actor 7 ${MARKER}`) })}\n`),
    );
    memory.put(
      `${layout.failedBatchesPrefix()}aws/lambda/local/shardId-000000000000/2026/07/02/batch`,
      Buffer.from(
        JSON.stringify({
          KinesisBatchInfo: { shardId: 'shardId-000000000000' },
          payload: JSON.stringify({ Records: [{ kinesis: { data: data(`{"actors":[7],"text":"${MARKER}"}`) } }] }),
        }),
      ),
    );
    const records: RecordStore[] = [
      { kind: 'rejected', bucket: memory.bucket, prefix: layout.rejectedPrefix() },
      { kind: 'failed-batches', bucket: memory.bucket, prefix: layout.failedBatchesPrefix() },
    ];
    // WHEN actor 7 is erased and a purge pass runs
    const erasure = await eraseActor(store, { actor: 7, principal: 'arn:aws:iam::123456789012:role/Dpo', now: closed });
    const report = await runPurge(ctx, store, await readErasedSet(store), { now: closed + 1, graceMs: 0, records });
    // THEN the compacted event and the late one are dropped, the records are gone, and the erasure is purged
    expect(report).toEqual({
      days: [{ day: dayName(day), purged: 2, holding: [] }],
      records: [
        { kind: 'rejected', rewritten: 1, versionsDeleted: 0, records: 1 },
        { kind: 'failed-batches', rewritten: 1, versionsDeleted: 0, records: 1 },
      ],
    });
    expect(await readErasure(store, erasure.id)).toMatchObject({ days: [], purgedAt: closed + 1 });
    // AND no object holds the marker, no index names actor 7, and no merged segment or late chunk is left
    expect(await expectNoTrace(ctx, 7, [MARKER])).toMatchObject({ compacted: 1, chunks: 0, segments: 0 });
    expect([...memory.objects.keys()].filter((key) => key.includes('/tier/') || (key.includes('/w/') && key.endsWith('.tale')))).toEqual(
      [],
    );
    // AND actor 8 keeps every event, the late one included
    const fresh = createQueryContext({ s3, bucket: memory.bucket, layout, zstd });
    const texts = (await runQuery(fresh, { actors: [8], from: T0, to: T0 + DAY_MS - 1, limit: 10 })).events.map((e) => e.text);
    expect(texts).toEqual(['kept one', 'kept late']);
  });

  it('leave no trace of an erased actor in a day compacted before the erasure, a day the merger sealed, and a day open then', async () => {
    const { memory, s3, layout, zstd, ctx, store } = await memoryStore('s/');
    const [compacted, sealed, open] = [0, 1, 2].map((d) => dayNumber(T0) + d) as [number, number, number];
    const events = (day: number, tag: string) => [
      { time: day * DAY_MS + 1, actors: [7], text: `${MARKER} ${tag} alone` },
      { time: day * DAY_MS + 2, actors: [8, 7], text: `${MARKER} ${tag} with 8` },
      { time: day * DAY_MS + 3, actors: [8], text: `kept ${tag}` },
    ];
    const writer = (w: number) => `shardId-00000000000${w}`;
    for (const w of [0, 1]) await seedWriter(ctx, writer(w), [events(compacted, `c${w}`), events(sealed, `s${w}`), events(open, `o${w}`)]);
    // GIVEN the first day compacted, the second closed and sealed by the merger, the third open with merged segments
    const closed = (day: number) => (day + 1) * DAY_MS + CLOSE + 1;
    await runCompaction(ctx, { now: closed(compacted), days: [compacted], graceMs: 0 });
    await runMerger(ctx, { now: closed(sealed), closeAfterMs: CLOSE });
    const tier = async (day: number) => readTierManifest(s3, memory.bucket, layout, day);
    expect((await tier(sealed))?.manifest.sealed).toBe(true);
    expect((await tier(open))?.manifest.segments.length).toBeGreaterThan(0);
    // WHEN actor 7 is erased while the third day is open, and the compactor runs (compaction with the filter, then the purge)
    const now = closed(sealed) + 1;
    const erasure = await eraseActor(store, { actor: 7, principal: 'arn:aws:iam::123456789012:role/Dpo', now });
    const pass = async (at: number) => {
      const erased = await readErasedSet(store);
      const days = await runCompaction(ctx, { now: at, graceMs: 0, lookbackDays: 7, keep: erasureFilter(erased) });
      return { days, purge: await runPurge(ctx, store, erased, { now: at, graceMs: 0 }) };
    };
    const first = await pass(now);
    expect(first.days.map(({ day, compaction }) => [day, compaction])).toEqual([
      [dayName(compacted), 'already-compacted'],
      [dayName(sealed), 'compacted'],
      [dayName(open), 'not-closed'],
    ]);
    expect(first.purge.days).toEqual([
      { day: dayName(compacted), purged: 4, holding: [] },
      { day: dayName(open), purged: 0, holding: [7] },
    ]);
    expect(await readErasure(store, erasure.id)).toMatchObject({ days: [dayName(open)] });
    // THEN once the open day closes and the next run compacts it, no object holds the actor's texts or id
    const last = await pass(closed(open));
    expect(last.purge.days).toEqual([]);
    expect(await readErasure(store, erasure.id)).toMatchObject({ days: [], purgedAt: closed(open) });
    expect(await expectNoTrace(ctx, 7, [MARKER])).toMatchObject({ compacted: 3, chunks: 0, segments: 0, entries: 6 });
    // AND actor 8 keeps every event that did not name 7
    const query = createQueryContext({ s3, bucket: memory.bucket, layout, zstd });
    const texts = (await runQuery(query, { actors: [8], from: T0, to: T0 + 3 * DAY_MS, limit: 10 })).events.map((e) => e.text);
    expect(texts).toEqual(['kept c0', 'kept c1', 'kept s0', 'kept s1', 'kept o0', 'kept o1']);
  });
});
