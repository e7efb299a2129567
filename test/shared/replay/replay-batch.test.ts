import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { replayFailedBatch, replayWriterOf } from '../../../shared/replay/replay-batch';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { MemoryS3 } from '../../support/memory-s3';
import { readWriterDay } from '../../support/read-back';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

const DAY = dayNumber(Date.UTC(2026, 6, 1));
const WRITER = 'shardId-000000000000';
const layout = new KeyLayout('');

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

describe('replayFailedBatch', () => {
  it('stores only what the failed batch did not make durable: a day it wrote before failing is skipped', async () => {
    // GIVEN a batch over two days whose second day failed; Lambda gave up on it and went on with a later batch
    const memory = new MemoryS3();
    const context: WriterContext = { s3: memory.client(), bucket: 'tales-test', layout, zstd };
    const events = [0, 1, 2, 3].map((i) => ({ time: (DAY + (i % 2)) * DAY_MS + i, actors: [7], text: `e${i}` }));
    events.push({ text: 'no actors' } as never);
    const records = syntheticRecords(events.map((e) => jsonPayload(e)));
    const seqs = records.map((r) => r.kinesis.sequenceNumber);
    await writeBatch(
      context,
      [records[0], records[2], records[4]].filter((r) => r !== undefined),
    );
    const later = syntheticRecords([jsonPayload({ time: (DAY + 1) * DAY_MS + 99, actors: [7], text: 'later' })], {
      first: 49_000_000_000_000_000_100n,
    });
    await writeBatch(context, later);
    const batch = {
      shardId: WRITER,
      startSequenceNumber: seqs[0] as string,
      endSequenceNumber: seqs[4] as string,
      condition: 'RetryAttemptsExhausted',
      records,
    };

    // WHEN it is replayed, twice
    const first = await replayFailedBatch(context, batch);
    const second = await replayFailedBatch(context, batch);

    // THEN the day-1 events and the rejected record (already stored) are skipped, the day-2 events stored once under the replay writer
    expect(first).toMatchObject({ replayWriter: replayWriterOf(batch), alreadyDurable: 3, result: { eventsWritten: 2, rejected: 0 } });
    expect(second).toMatchObject({ alreadyDurable: 3, result: { eventsWritten: 0, eventsSkipped: 2 } });
    expect(replayWriterOf(batch)).toMatch(/^shardId-000000000000\.replay-[0-9a-f]{12}$/);
    const replayed = await readWriterDay(memory.client(), 'tales-test', layout, zstd, replayWriterOf(batch), DAY + 1);
    expect(replayed.events.map((e) => [e.text, e.time])).toEqual([
      ['e1', (DAY + 1) * DAY_MS + 1],
      ['e3', (DAY + 1) * DAY_MS + 3],
    ]);
    expect((await readWriterDay(memory.client(), 'tales-test', layout, zstd, replayWriterOf(batch), DAY)).events).toEqual([]);
  });

  it('marks the days it writes late, not knowing when the deployment closes them, where the consumer at that clock would not', async () => {
    // GIVEN a writer whose clock is the end of DAY: the consumer, closing days 26 h after they end, would not mark it yet
    const memory = new MemoryS3();
    const context: WriterContext = { s3: memory.client(), bucket: 'tales-test', layout, zstd, clock: () => (DAY + 1) * DAY_MS };
    const marker = layout.lateChunksKey(DAY);
    const records = (first: bigint) =>
      syntheticRecords([jsonPayload({ time: DAY * DAY_MS + 5, actors: [7], text: 'replayed' })], { shardId: WRITER, first });
    await writeBatch(context, records(49_000_000_000_000_000_000n));
    expect(memory.objects.has(marker)).toBe(false);
    const failed = records(49_000_000_000_000_000_100n);
    const batch = {
      shardId: WRITER,
      startSequenceNumber: failed[0]?.kinesis.sequenceNumber as string,
      endSequenceNumber: failed[0]?.kinesis.sequenceNumber as string,
      condition: 'RetryAttemptsExhausted',
      records: failed,
    };

    // WHEN a failed batch of that day is replayed at the same clock
    expect(await replayFailedBatch(context, batch)).toMatchObject({ result: { eventsWritten: 1 } });

    // THEN the day is marked: a compaction or seal of it may have run, as far as the replaying host knows
    expect(memory.objects.has(marker)).toBe(true);
  });
});
