import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContextOptions } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { MemoryS3 } from '../../support/memory-s3';
import { T0 } from '../../support/query-workload';
import { seedWriter } from '../../support/seed-chunks';

/**
 * One chunk of 3,000 events whose texts hardly compress (400 base64 characters each: ~0.9 MB of blocks),
 * actor 1 in the first and the last event only: its two blocks are ~0.8 MB apart. Read by ranges (wholeObjectBytes 0), as a
 * chunk or compacted day larger than 1 MiB is.
 */
async function farApartRows(options: Partial<QueryContextOptions> = {}) {
  const store = new MemoryS3();
  const s3 = store.client();
  const layout = new KeyLayout('gaps/');
  const zstd = await loadZstd();
  const events: TalesEvent[] = Array.from({ length: 3000 }, (_, i) => ({
    time: T0 + i * 1000,
    actors: i === 0 || i === 2999 ? [1, 2] : [2],
    text: randomBytes(300).toString('base64'),
  }));
  await seedWriter({ s3, bucket: store.bucket, layout, zstd }, 'shardId-000000000000', [events]);
  const ctx = createQueryContext({ s3, bucket: store.bucket, layout, zstd, wholeObjectBytes: 0, ...options });
  const result = await runQuery(ctx, { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 10 });
  expect(result.events).toEqual([events[0], events[2999]]);
  return result.stats;
}

describe('blocks far apart', () => {
  it('are read by GETs of their own when maxGap is smaller than the ~0.8 MB between them', async () => {
    const stats = await farApartRows({ maxGap: 262_144 });
    expect(stats.blocks).toBe(2);
    // Two 64 KiB blocks of base64 compress to ~48 KB each.
    expect(stats.blockBytes).toBeLessThan(150_000);
  });

  it('come in one GET, gap and all, by default (maxGap 1 MiB spans the gap)', async () => {
    const stats = await farApartRows();
    expect(stats.blocks).toBe(1);
    expect(stats.blockBytes).toBeGreaterThan(600_000);
  });
});
