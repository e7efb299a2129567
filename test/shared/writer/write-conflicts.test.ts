import type { S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { WriterConflictError } from '../../../shared/writer/errors';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { MemoryS3 } from '../../support/memory-s3';
import { readWriterDay } from '../../support/read-back';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

// S3's conditional writes, as MemoryS3 enforces them (s3rver ignores the headers).
const START = Date.UTC(2026, 6, 1, 12);
const DAY = dayNumber(START);
const WRITER = 'shardId-000000000000';
const layout = new KeyLayout('');

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

function events(count: number, tag: string, from = 0): TalesEvent[] {
  return Array.from({ length: count }, (_, i) => ({ time: START + (from + i) * 1000, actors: [1 + (i % 3)], text: `${tag} ${from + i}` }));
}

function records(list: readonly TalesEvent[], first = 49_000_000_000_000_000_000n) {
  return syntheticRecords(
    list.map((e) => jsonPayload(e)),
    { first },
  );
}

function context(s3: S3Client, overrides: Partial<WriterContext> = {}): WriterContext {
  return { s3, bucket: 'tales-test', layout, zstd, ...overrides };
}

/** A client of `memory` that runs `before` once, just ahead of its first PutObject on a key ending in `suffix`. */
function interleaved(memory: MemoryS3, suffix: string, before: () => Promise<unknown>): S3Client {
  const s3 = memory.client();
  let done = false;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (!done && context.commandName === 'PutObjectCommand' && key.endsWith(suffix)) {
        done = true;
        await before();
      }
      return next(args);
    },
    { step: 'initialize', name: 'interleave' },
  );
  return s3;
}

describe('one author per writer-day', () => {
  it('fails a second consumer of the same records loudly at the manifest, and its retry writes nothing twice', async () => {
    // GIVEN two consumers on one shard (a parallelization factor above 1): the second commits between the first's chunk and manifest writes
    const memory = new MemoryS3();
    const batch = records(events(20, 'same'));
    const second = () => writeBatch(context(memory.client()), batch);
    const first = context(interleaved(memory, 'manifest.json', second));

    // WHEN the first consumer writes
    const result = await writeBatch(first, batch);

    // THEN its manifest write is refused and reported, never taken as success
    expect(result.retryFrom).toBe(batch[0]?.kinesis.sequenceNumber);
    expect(result.failures).toHaveLength(1);
    const error = result.failures[0]?.error;
    expect(error).toBeInstanceOf(WriterConflictError);
    expect((error as Error).message).toMatch(
      /^v1\/2026-07-01\/w\/shardId-000000000000\/manifest\.json: the manifest was created by another writer since it was found missing$/,
    );
    // AND its retry finds every event durable: each is stored once
    const retry = await writeBatch(context(memory.client()), batch);
    expect(retry).toMatchObject({ eventsWritten: 0, eventsSkipped: 20, retryFrom: undefined });
    const stored = await readWriterDay(memory.client(), 'tales-test', layout, zstd, WRITER, DAY);
    expect(stored.events.map((e) => e.text).sort()).toEqual(
      events(20, 'same')
        .map((e) => e.text)
        .sort(),
    );
  });

  it('refuses to overwrite a chunk another author has just written with other content', async () => {
    const memory = new MemoryS3();
    const other = () => writeBatch(context(memory.client()), records(events(5, 'other')));
    const mine = context(interleaved(memory, '00000000000000000000.tale', other));

    const result = await writeBatch(mine, records(events(8, 'mine')));

    const error = result.failures[0]?.error as Error;
    expect(error).toBeInstanceOf(WriterConflictError);
    expect(error.message).toMatch(
      /^v1\/2026-07-01\/w\/shardId-000000000000\/00000000000000000000\.tale: a chunk with other content was written \d+ s ago and no manifest lists it: another writer is at work on this writer-day$/,
    );
    const stored = await readWriterDay(memory.client(), 'tales-test', layout, zstd, WRITER, DAY);
    expect(stored.events.map((e) => e.text)).toEqual(events(5, 'other').map((e) => e.text));
  });

  it('refuses a manifest that changed since it was read (If-Match)', async () => {
    const memory = new MemoryS3();
    await writeBatch(context(memory.client()), records(events(3, 'a')));
    const later = () => writeBatch(context(memory.client()), records(events(3, 'b', 3), 49_000_000_000_000_000_100n));
    // The same records as `later`: the chunk is identical, only the manifest write can tell them apart.
    const mine = context(interleaved(memory, 'manifest.json', later));

    const result = await writeBatch(mine, records(events(3, 'b', 3), 49_000_000_000_000_000_100n));

    expect(String(result.failures[0]?.error)).toMatch(
      /^WriterConflictError: v1\/2026-07-01\/w\/shardId-000000000000\/manifest\.json: the manifest changed since it was read at ETag "[0-9a-f]{32}": another writer is at work on this writer-day$/,
    );
  });

  it('takes an unlisted chunk with the same bytes as written (a retry after the manifest write was lost)', async () => {
    const memory = new MemoryS3();
    const s3 = memory.client();
    let lose = true;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (lose && context.commandName === 'PutObjectCommand' && (args.input as { Key: string }).Key.endsWith('manifest.json')) {
          lose = false;
          throw new Error('manifest write lost');
        }
        return next(args);
      },
      { step: 'initialize', name: 'lose' },
    );
    const batch = records(events(10, 'x'));
    expect((await writeBatch(context(s3), batch)).retryFrom).toBe(batch[0]?.kinesis.sequenceNumber);

    const retry = await writeBatch(context(s3), batch);

    expect(retry).toMatchObject({ eventsWritten: 10, retryFrom: undefined, failures: [] });
    const stored = await readWriterDay(s3, 'tales-test', layout, zstd, WRITER, DAY);
    expect(stored.manifest?.chunks).toHaveLength(1);
  });

  it('replaces an unlisted chunk with other bytes once it is older than any live attempt', async () => {
    const memory = new MemoryS3();
    const key = layout.chunkKey(DAY, WRITER, 0);
    memory.put(key, new Uint8Array([1, 2, 3]));
    const stored = memory.objects.get(key) as { body: Uint8Array; etag: string; modified: Date };
    memory.objects.set(key, { ...stored, modified: new Date(Date.now() - 16 * 60_000) });

    const result = await writeBatch(context(memory.client()), records(events(4, 'y')));

    expect(result).toMatchObject({ eventsWritten: 4, retryFrom: undefined, failures: [] });
    const back = await readWriterDay(memory.client(), 'tales-test', layout, zstd, WRITER, DAY);
    expect(back.events.map((e) => e.text)).toEqual(events(4, 'y').map((e) => e.text));
  });

  it('records the first and last sequence number of each chunk', async () => {
    const memory = new MemoryS3();
    const batch = records(events(6, 'z'));
    await writeBatch(context(memory.client()), batch);
    const back = await readWriterDay(memory.client(), 'tales-test', layout, zstd, WRITER, DAY);
    expect(back.manifest?.chunks.map((c) => [c.first, c.watermark])).toEqual([
      [batch[0]?.kinesis.sequenceNumber, batch[5]?.kinesis.sequenceNumber],
    ]);
  });
});
