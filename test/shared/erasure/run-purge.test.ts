import { describe, expect, it } from 'vitest';
import { ChunkIndex } from '../../../shared/chunk/chunk-index';
import { loadZstd } from '../../../shared/codec/zstd';
import { runCompaction } from '../../../shared/compact/run-compaction';
import { eraseActor, readErasure } from '../../../shared/erasure/erase-actor';
import { ErasureKeys } from '../../../shared/erasure/keys';
import type { RecordStore } from '../../../shared/erasure/purge-records';
import { statusOf } from '../../../shared/erasure/record';
import { runPurge } from '../../../shared/erasure/run-purge';
import { DAY_MS, dayName, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { mergeDay } from '../../../shared/tier/merge-day';
import { MemoryS3 } from '../../support/memory-s3';
import { seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const CLOSE = 26 * 3_600_000;
const MARKER = 'SECRET-OF-7';

describe('purge passes', () => {
  it('purge a closed day at the next pass, an open day once it closes, and record the progress for the audit', async () => {
    const memory = new MemoryS3();
    const s3 = memory.client();
    const layout = new KeyLayout('p/');
    const zstd = await loadZstd();
    const ctx = { s3, bucket: memory.bucket, layout, zstd };
    const store = { s3, bucket: memory.bucket, keys: new ErasureKeys(layout) };
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
      await runCompaction(ctx, { now: at, serverSideCopy: false, graceMs: 0, lookbackDays: 7 });
      return runPurge(ctx, store, { now: at, graceMs: 0 });
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
    const memory = new MemoryS3();
    const s3 = memory.client();
    const layout = new KeyLayout('q/');
    const zstd = await loadZstd();
    const ctx = { s3, bucket: memory.bucket, layout, zstd };
    const store = { s3, bucket: memory.bucket, keys: new ErasureKeys(layout) };
    const day = dayNumber(T0);
    // GIVEN a day merged into segments while open, then compacted, then given a late chunk
    await seedWriter(ctx, 'shardId-000000000000', [
      [{ time: T0 + 1, actors: [7, 8], text: `${MARKER} one` }],
      [{ time: T0 + 2, actors: [8], text: 'kept one' }],
    ]);
    expect((await mergeDay(ctx, day)).status).toBe('merged');
    const closed = (day + 1) * DAY_MS + CLOSE + 1;
    await runCompaction(ctx, { now: closed, serverSideCopy: false, graceMs: 0, lookbackDays: 7 });
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
    const report = await runPurge(ctx, store, { now: closed + 1, graceMs: 0, records });
    // THEN the compacted event and the late one are tombstones, the records are gone, and the erasure is purged
    expect(report).toEqual({
      days: [{ day: dayName(day), purged: 2, holding: [] }],
      records: [
        { kind: 'rejected', rewritten: 1, versionsDeleted: 0, records: 1 },
        { kind: 'failed-batches', rewritten: 1, versionsDeleted: 0, records: 1 },
      ],
    });
    expect(await readErasure(store, erasure.id)).toMatchObject({ days: [], purgedAt: closed + 1 });
    // AND no object holds the marker, no index names actor 7, and no merged segment or late chunk is left
    for (const [key, object] of memory.objects) {
      expect(Buffer.from(object.body).includes(MARKER), key).toBe(false);
      if (key.endsWith('.tale')) expect(ChunkIndex.parse(key, object.body, zstd).directory.actorIds, key).not.toContain(7);
    }
    expect([...memory.objects.keys()].filter((key) => key.includes('/tier/') || (key.includes('/w/') && key.endsWith('.tale')))).toEqual(
      [],
    );
    // AND actor 8 keeps every event, the late one included
    const fresh = createQueryContext({ s3, bucket: memory.bucket, layout, zstd });
    const texts = (await runQuery(fresh, { actors: [8], from: T0, to: T0 + DAY_MS - 1, limit: 10 })).events.map((e) => e.text);
    expect(texts).toEqual(['kept one', 'kept late']);
  });
});
