import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import type { TalesEvent } from '../../../shared/event/types';
import { CLOSE_AFTER_MS, DAY_MS, dayName, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { runMerger } from '../../../shared/tier/run-merger';
import { writeBatch } from '../../../shared/writer/write-batch';
import { MemoryS3 } from '../../support/memory-s3';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

// A closed day's merged forms (a compaction committed after the close, a sealed tier manifest) are taken
// as complete unless a writer marked the day: these tests write through the real writer at its clock.
const T0 = Date.UTC(2026, 6, 1);
const DAY = dayNumber(T0);
/** Well after the day closed (26 h after its end). */
const LATER = T0 + 5 * DAY_MS;
const ACTOR = 7;

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

let sequence = 49_000_000_000_000_000_000n;

/** A log in MemoryS3 written by one shard whose clock is `at`. */
function log() {
  const memory = new MemoryS3('late-chunks');
  const target = { s3: memory.client(), bucket: memory.bucket, layout: new KeyLayout(''), zstd };
  const write = async (texts: readonly string[], at: number) => {
    const events: TalesEvent[] = texts.map((text, i) => ({ time: T0 + 3_600_000 * (i + 1), actors: [ACTOR], text }));
    const records = syntheticRecords(
      events.map((e) => jsonPayload(e)),
      { first: sequence },
    );
    sequence += BigInt(texts.length);
    expect(await writeBatch({ ...target, clock: () => at }, records)).toMatchObject({ failures: [] });
  };
  const query = async () => {
    const ctx = createQueryContext({ ...target, now: () => LATER, dayTtlMs: { open: 0, closed: 0 } });
    const result = await runQuery(ctx, { actors: [ACTOR], from: T0, to: T0 + DAY_MS - 1, limit: 100 });
    return { texts: result.events.map((e) => e.text).sort(), stats: result.stats.toJSON() };
  };
  return { target, write, query };
}

describe('a chunk written to a closed day', () => {
  it('joins a day compacted after its close: unmarked, the day reads its metadata and marker only; marked, its writer manifests and the late chunk', async () => {
    const { target, write, query } = log();
    await write(['a', 'b'], T0 + 3 * 3_600_000);
    expect((await compactDay(target, DAY, { now: LATER })).status).toBe('compacted');
    expect(await query()).toMatchObject({
      texts: ['a', 'b'],
      stats: { compactMetas: 1, lateMarkers: 1, tierManifests: 0, lists: 0, manifests: 0 },
    });

    await write(['replayed'], LATER);
    expect(await query()).toMatchObject({ texts: ['a', 'b', 'replayed'], stats: { lateMarkers: 1, lists: 1, manifests: 1 } });
  });

  it('joins a sealed day not compacted yet, read beside its sealed segment', async () => {
    const { target, write, query } = log();
    await write(['a', 'b'], T0 + 3 * 3_600_000);
    // The merger's first run after the day closed seals it.
    const reports = await runMerger(target, { now: (DAY + 1) * DAY_MS + CLOSE_AFTER_MS + 300_000 });
    expect(reports[0]).toMatchObject({ day: dayName(DAY), status: 'merged' });
    expect(await query()).toMatchObject({ texts: ['a', 'b'], stats: { tierManifests: 1, lists: 0, manifests: 0 } });

    await write(['replayed'], LATER);
    expect(await query()).toMatchObject({ texts: ['a', 'b', 'replayed'], stats: { lists: 1, manifests: 1 } });
  });

  it('takes any marker as a mark, whatever its bytes, and refuses one over 1 KiB unread, naming its key', async () => {
    const { target, write, query } = log();
    await write(['a'], T0 + 3_600_000);
    expect((await compactDay(target, DAY, { now: LATER })).status).toBe('compacted');
    const key = target.layout.lateChunksKey(DAY);
    const put = (bytes: number) => target.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: new Uint8Array(bytes) }));

    await put(1024);
    expect(await query()).toMatchObject({ texts: ['a'], stats: { lateMarkers: 1, lists: 1 } });
    await put(1025);
    await expect(query()).rejects.toThrow(
      new CorruptError('object is over the 1024-byte limit of a manifest or metadata object (its length is 1025)', key),
    );
  });

  it('joins a day compacted by force before its close, though written on time and unmarked', async () => {
    const { target, write, query } = log();
    await write(['a'], T0 + 3_600_000);
    expect((await compactDay(target, DAY, { now: T0 + 2 * 3_600_000, force: true })).status).toBe('compacted');
    await write(['on time'], T0 + 3 * 3_600_000);
    expect(await query()).toMatchObject({ texts: ['a', 'on time'], stats: { lateMarkers: 1, lists: 1, manifests: 1 } });
  });
});
