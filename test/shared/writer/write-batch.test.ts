import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Source } from '../../../shared/aws/s3-source';
import { matchOrdinals, openChunk, readEntries } from '../../../shared/chunk/reader';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { listKeys, readWriterDay } from '../../support/read-back';
import { jsonPayload, type Payload, publishAndRead } from '../../support/stream-records';

const DAY = dayNumber(Date.UTC(2026, 6, 1));
/** The writer's clock while the workload's days are young: no chunk is late (late-marker.test.ts covers those). */
const ON_TIME = (DAY + 2) * DAY_MS;
const MIDNIGHT = (DAY + 1) * DAY_MS;

let s3: LocalS3;
let kinesis: LocalKinesis;
let zstd: BlockCompressor;
let tests = 0;

beforeAll(async () => {
  [s3, kinesis, zstd] = await Promise.all([startLocalS3(), startLocalKinesis(), loadZstd()]);
});
afterAll(async () => {
  await Promise.all([s3.stop(), kinesis.stop()]);
});

/** A writer context under a prefix of its own, so tests share one server without seeing each other. */
function context(): WriterContext {
  return { s3: s3.s3, bucket: s3.bucket, layout: new KeyLayout(`t${++tests}/`), zstd, clock: () => ON_TIME };
}

/** Events with unique texts (so a duplicate is visible), actors from a small pool, times from `start`. */
function events(count: number, start: number, step = 997, tag = 'e'): TalesEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    time: start + i * step,
    actors: [1 + (i % 7), 100 + (i % 3)],
    text: `${tag}${i} ${'x'.repeat(i % 50)}`,
  }));
}

async function onOneShard(payloads: readonly Payload[]) {
  const [records] = [...(await publishAndRead(kinesis, payloads)).values()];
  return records ?? [];
}

function sorted(list: readonly TalesEvent[]): string[] {
  return list.map((e) => JSON.stringify(e)).sort();
}

describe('writeBatch against S3', () => {
  it('writes every valid record of a batch once, read back exactly through the chunk reader', async () => {
    const ctx = context();
    const oracle = events(300, DAY * DAY_MS + 1000);
    const records = await onOneShard(oracle.map((e) => jsonPayload(e)));
    const writer = records[0]?.eventID.split(':')[0] as string;

    const result = await writeBatch(ctx, records);

    expect(result).toMatchObject({ writer, retryFrom: undefined, failures: [], eventsWritten: 300, chunks: 1, puts: 2, rejected: 0 });
    const stored = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, writer, DAY);
    expect(sorted(stored.events)).toEqual(sorted(oracle));
    expect(stored.manifest?.chunks).toHaveLength(1);
    expect(stored.manifest?.chunks[0]?.watermark).toBe(records[records.length - 1]?.kinesis.sequenceNumber);
    expect(await listKeys(s3.s3, s3.bucket, ctx.layout.prefix)).toEqual([
      ctx.layout.chunkKey(DAY, writer, 0),
      ctx.layout.manifestKey(DAY, writer),
    ]);
  });

  it('finds exactly the events of an actor pair through the directory and bitmaps', async () => {
    const ctx = context();
    const oracle = events(500, DAY * DAY_MS);
    const records = await onOneShard(oracle.map((e) => jsonPayload(e)));
    const result = await writeBatch(ctx, records);
    const writer = result.writer as string;
    const key = ctx.layout.chunkKey(DAY, writer, 0);
    const source = s3Source(s3.s3, s3.bucket, key);
    const index = await openChunk(source, zstd);
    const ordinals = await matchOrdinals(index, source, [3, 101]);
    const found = [];
    for await (const { time, actors, text } of readEntries(index, source, ordinals, zstd)) found.push({ time, actors, text });
    expect(sorted(found)).toEqual(sorted(oracle.filter((e) => e.actors.includes(3) && e.actors.includes(101))));
    expect(found.length).toBeGreaterThan(0);
  });

  it('splits a batch spanning midnight UTC into one chunk per day, with one chunk and one manifest PUT each', async () => {
    const ctx = context();
    const before = events(40, MIDNIGHT - 40 * 7, 7, 'before');
    const after = events(40, MIDNIGHT, 7, 'after');
    const oracle = before.flatMap((e, i) => [e, after[i] as TalesEvent]);
    const records = await onOneShard(oracle.map((e) => jsonPayload(e)));

    const result = await writeBatch(ctx, records);

    expect(result).toMatchObject({ eventsWritten: 80, chunks: 2, puts: 4 });
    const writer = result.writer as string;
    const first = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, writer, DAY);
    const second = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, writer, DAY + 1);
    expect(sorted(first.events)).toEqual(sorted(before));
    expect(sorted(second.events)).toEqual(sorted(after));
    // Each day's watermark is the last record of that day, not of the batch.
    expect(first.manifest?.chunks[0]?.watermark).toBe(records[78]?.kinesis.sequenceNumber);
    expect(second.manifest?.chunks[0]?.watermark).toBe(records[79]?.kinesis.sequenceNumber);
  });

  it('appends late events to a day written before, as its next chunk', async () => {
    const ctx = context();
    const today = events(20, DAY * DAY_MS, 1000, 'today');
    const tomorrow = events(20, MIDNIGHT, 1000, 'tomorrow');
    const late = events(5, DAY * DAY_MS + 500, 1000, 'late');
    const records = await onOneShard([...today, ...tomorrow, ...late].map((e) => jsonPayload(e)));

    await writeBatch(ctx, records.slice(0, 20));
    const result = await writeBatch(ctx, records.slice(20));

    expect(result).toMatchObject({ eventsWritten: 25, chunks: 2, puts: 4 });
    const writer = result.writer as string;
    const stored = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, writer, DAY);
    expect(stored.manifest?.chunks.map((c) => [c.seq, c.entries, c.watermark])).toEqual([
      [0, 20, records[19]?.kinesis.sequenceNumber],
      [1, 5, records[44]?.kinesis.sequenceNumber],
    ]);
    expect(sorted(stored.events)).toEqual(sorted([...today, ...late]));
  });

  it('writes nothing when the same batch comes again', async () => {
    const ctx = context();
    const records = await onOneShard(events(30, MIDNIGHT - 15_000).map((e) => jsonPayload(e)));
    await writeBatch(ctx, records);
    const again = await writeBatch(ctx, records);
    expect(again).toMatchObject({ eventsWritten: 0, eventsSkipped: 30, chunks: 0, puts: 0, retryFrom: undefined });
  });

  it('does nothing for an empty batch', async () => {
    const ctx = context();
    const result = await writeBatch(ctx, []);
    expect(result).toMatchObject({ writer: undefined, retryFrom: undefined, records: 0, puts: 0 });
    expect(await listKeys(s3.s3, s3.bucket, ctx.layout.prefix)).toEqual([]);
  });

  it('stamps the arrival time, in whole milliseconds, on a record that gives no time', async () => {
    const ctx = context();
    const records = await onOneShard([jsonPayload({ actors: [9], text: 'no time' })]);
    const record = records[0];
    const result = await writeBatch(ctx, records);
    const arrival = Math.round((record?.kinesis.approximateArrivalTimestamp as number) * 1000);
    const stored = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, result.writer as string, dayNumber(arrival));
    expect(stored.events).toEqual([{ time: arrival, actors: [9], text: 'no time' }]);
  });

  it('keeps each shard as its own writer', async () => {
    const ctx = context();
    const oracle = events(60, DAY * DAY_MS);
    const byShard = await publishAndRead(
      kinesis,
      oracle.map((e, i) => jsonPayload(e, String(i))),
      2,
    );
    const back: TalesEvent[] = [];
    for (const [shard, records] of byShard) {
      const result = await writeBatch(ctx, records);
      expect(result.writer).toBe(shard);
      back.push(...(await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, shard, DAY)).events);
    }
    expect([...byShard.values()].every((records) => records.length > 0)).toBe(true);
    expect(sorted(back)).toEqual(sorted(oracle));
  });
});

describe('writeBatch with invalid records', () => {
  const encoder = new TextEncoder();
  const hostile: [string, Payload, string][] = [
    ['not JSON', { data: encoder.encode('{"actors":[1],'), partitionKey: 'p1' }, 'not_json'],
    ['invalid UTF-8', { data: Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), partitionKey: 'p2' }, 'text_invalid_utf8'],
    ['a JSON array', jsonPayload([1, 2], 'p3'), 'not_an_object'],
    ['null', jsonPayload(null, 'p4'), 'not_an_object'],
    ['actors as a string', jsonPayload({ actors: '1', text: 't' }), 'actor_invalid'],
    ['text as a number', jsonPayload({ actors: [1], text: 5 }), 'text_missing'],
    ['time as a boolean', jsonPayload({ actors: [1], text: 't', time: true }), 'time_invalid'],
    ['a negative actor', jsonPayload({ actors: [-1], text: 't' }), 'actor_invalid'],
    ['an actor above uint32', jsonPayload({ actors: [2 ** 32], text: 't' }), 'actor_invalid'],
    ['a fractional actor', jsonPayload({ actors: [1.5], text: 't' }), 'actor_invalid'],
    ['no actors', jsonPayload({ actors: [], text: 't' }), 'actors_empty'],
    ['33 actors', jsonPayload({ actors: Array.from({ length: 33 }, (_, i) => i), text: 't' }), 'actors_too_many'],
    ['oversized text', jsonPayload({ actors: [1], text: 'x'.repeat(65_536) }), 'frame_too_large'],
    ['an unknown field', jsonPayload({ actors: [1], text: 't', extra: 1 }), 'unknown_field'],
    ['a __proto__ key', { data: encoder.encode('{"actors":[1],"text":"t","__proto__":{"x":1}}'), partitionKey: 'p' }, 'unknown_field'],
  ];

  it('writes an all-invalid batch as one rejected object with every record, its reason and its data', async () => {
    const ctx = context();
    const records = await onOneShard(hostile.map(([, payload]) => payload));

    const result = await writeBatch(ctx, records);

    expect(result).toMatchObject({ rejected: hostile.length, eventsWritten: 0, chunks: 0, puts: 1, retryFrom: undefined });
    const first = records[0]?.kinesis;
    const arrivalDay = dayNumber(Math.round((first?.approximateArrivalTimestamp as number) * 1000));
    const key = ctx.layout.rejectedKey(arrivalDay, result.writer as string, first?.sequenceNumber as string);
    expect(await listKeys(s3.s3, s3.bucket, ctx.layout.prefix)).toEqual([key]);
    const object = await s3.s3.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const lines = ((await object.Body?.transformToString()) ?? '').split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.map((line) => line.code)).toEqual(hostile.map(([, , code]) => code));
    parsed.forEach((line, i) => {
      const record = records[i]?.kinesis;
      expect(Object.keys(line)).toEqual(['sequenceNumber', 'partitionKey', 'arrival', 'code', 'reason', 'data']);
      expect(line).toMatchObject({
        sequenceNumber: record?.sequenceNumber,
        partitionKey: hostile[i]?.[1].partitionKey,
        arrival: Math.round((record?.approximateArrivalTimestamp as number) * 1000),
        data: Buffer.from(hostile[i]?.[1].data as Uint8Array).toString('base64'),
      });
      expect(line.reason).toEqual(expect.any(String));
    });
    expect(parsed[12]?.reason).toBe('event frame is 65551 bytes, over the 65536-byte limit (text is 65536 bytes)');
  });

  it('writes the valid records of a mixed batch and the invalid ones beside them', async () => {
    const ctx = context();
    const valid = events(10, DAY * DAY_MS);
    const payloads = valid.flatMap((e, i) => [jsonPayload(e), hostile[i]?.[1] as Payload]);
    const records = await onOneShard(payloads);

    const result = await writeBatch(ctx, records);

    expect(result).toMatchObject({ eventsWritten: 10, rejected: 10, chunks: 1, puts: 3, retryFrom: undefined });
    const stored = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, result.writer as string, DAY);
    expect(sorted(stored.events)).toEqual(sorted(valid));
    // The watermark is the last valid record's, below the trailing rejected one.
    expect(stored.manifest?.chunks[0]?.watermark).toBe(records[18]?.kinesis.sequenceNumber);
  });
});
