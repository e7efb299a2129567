import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import { runCompaction } from '../../../shared/compact/run-compaction';
import { eraseActor, readErasure } from '../../../shared/erasure/erase-actor';
import { ErasureKeys } from '../../../shared/erasure/keys';
import { statusOf } from '../../../shared/erasure/record';
import { runPurge } from '../../../shared/erasure/run-purge';
import { DAY_MS, dayName, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { MemoryS3 } from '../../support/memory-s3';
import { seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const CLOSE = 26 * 3_600_000;

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
    expect(await pass(now)).toEqual([
      { day: dayName(dayNumber(T0)), purged: 1, holding: [] },
      { day: dayName(dayNumber(openDay)), purged: 0, holding: [7] },
    ]);
    const purging = await readErasure(store, erasure.id);
    expect(purging && statusOf(purging)).toBe('purging');
    expect(purging?.days).toEqual([dayName(dayNumber(openDay))]);

    const closed = (dayNumber(openDay) + 1) * DAY_MS + CLOSE + 1;
    expect(await pass(closed)).toEqual([{ day: dayName(dayNumber(openDay)), purged: 1, holding: [] }]);
    const purged = await readErasure(store, erasure.id);
    expect(purged).toEqual({ ...erasure, days: [], purgedAt: closed });
    expect(purged && statusOf(purged)).toBe('purged');
    const texts = [...memory.objects.values()].map((object) => Buffer.from(object.body).toString('latin1')).join('\n');
    expect(texts).not.toContain('erased');
    expect(await pass(closed + 1)).toEqual([]);
  });
});
