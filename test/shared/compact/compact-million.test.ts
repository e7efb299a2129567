import { describe, expect, it } from 'vitest';
import { s3Source } from '../../../shared/aws/s3-source';
import { openChunk } from '../../../shared/chunk/reader';
import { SINGLE_FRAME_MAX_BYTES } from '../../../shared/codec/framed';
import { loadZstd } from '../../../shared/codec/zstd';
import { type CompactContext, compactDay } from '../../../shared/compact/compact-day';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { MemoryS3 } from '../../support/memory-s3';
import { seedWriter } from '../../support/seed-chunks';
import { readCompacted } from './read-compacted';

const DAY = 20_635; // 2026-07-01
const WRITERS = 4;
const EVENTS_PER_WRITER = 31_250;
const ACTORS_PER_EVENT = 8;

describe('compacting a day of 1,000,000 distinct actors', () => {
  it('merges it (its directory is far above any single-frame codec cap) and reads any actor back', async () => {
    // GIVEN four writers whose events each name eight actors no other event names: 1,000,000 in all
    const memory = new MemoryS3();
    const ctx: CompactContext = { s3: memory.client(), bucket: memory.bucket, layout: new KeyLayout(), zstd: await loadZstd() };
    let actor = 0;
    for (let w = 0; w < WRITERS; w++) {
      const events: TalesEvent[] = Array.from({ length: EVENTS_PER_WRITER }, (_, i) => ({
        time: DAY * DAY_MS + i,
        actors: Array.from({ length: ACTORS_PER_EVENT }, () => ++actor),
        text: `w${w} e${i}`,
      }));
      await seedWriter(ctx, `shardId-00000000000${w}`, [events]);
    }
    expect(actor).toBe(1_000_000);

    // WHEN the day is compacted
    const outcome = await compactDay(ctx, DAY, { now: (DAY + 3) * DAY_MS });

    // THEN it is committed, with all entries, and the first, a middle and the last actor are found
    expect(outcome.status).toBe('compacted');
    if (outcome.status !== 'compacted') return;
    expect(outcome.meta.entries).toBe(WRITERS * EVENTS_PER_WRITER);
    const index = await openChunk(s3Source(ctx.s3, ctx.bucket, ctx.layout.compactIndexKey(DAY, outcome.meta.generation)), ctx.zstd);
    expect(index.header.directoryRawSize).toBeGreaterThan(SINGLE_FRAME_MAX_BYTES);
    for (const [id, text] of [
      [1, 'w0 e0'],
      [500_000, `w1 e${EVENTS_PER_WRITER - 1}`],
      [1_000_000, `w3 e${EVENTS_PER_WRITER - 1}`],
    ] as const) {
      const found = await readCompacted(ctx, outcome.meta, [id]);
      expect(found.map((f) => f.event.text)).toEqual([text]);
    }
  }, 120_000);
});
