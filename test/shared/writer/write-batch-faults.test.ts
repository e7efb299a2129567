import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { CLOSE_AFTER_MS, DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { readManifest } from '../../../shared/manifest/read-manifest';
import { compareSequenceNumbers } from '../../../shared/manifest/sequence-number';
import { decodeRecord } from '../../../shared/writer/decode-record';
import { isLateChunk } from '../../../shared/writer/late-marker';
import { ManifestCache } from '../../../shared/writer/manifest-cache';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { type Fault, type FaultyS3, faultyS3, InjectedFault } from '../../support/faulty-s3';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { listKeys, readWriterDay } from '../../support/read-back';
import { jsonPayload, type Payload, publishAndRead } from '../../support/stream-records';

const DAY = dayNumber(Date.UTC(2026, 6, 1));
const WRITER = 'shardId-000000000000';

let s3: LocalS3;
let kinesis: LocalKinesis;
let zstd: BlockCompressor;
let faulty: FaultyS3;
let prefixes = 0;

beforeAll(async () => {
  [s3, kinesis, zstd] = await Promise.all([startLocalS3(), startLocalKinesis(), loadZstd()]);
  faulty = faultyS3(s3.endpoint);
});
afterAll(async () => {
  faulty.s3.destroy();
  await Promise.all([s3.stop(), kinesis.stop()]);
});

/** The writer's clock: by default while the workload's days are young, so that no chunk is late. */
function context(manifests?: ManifestCache, at = (DAY + 2) * DAY_MS): WriterContext {
  return {
    s3: faulty.s3,
    bucket: s3.bucket,
    layout: new KeyLayout(`f${++prefixes}/`),
    zstd,
    clock: () => at,
    ...(manifests ? { manifests } : {}),
  };
}

/** What a workload should leave in S3: its valid events by day, and its rejected sequence numbers. */
interface Oracle {
  readonly days: Map<number, TalesEvent[]>;
  readonly rejected: string[];
}

const encoder = new TextEncoder();
const INVALID: Payload[] = [
  { data: encoder.encode('{"actors":[1],"text":'), partitionKey: 'bad' },
  { data: Uint8Array.from([0xc3, 0x28]), partitionKey: 'bad' },
  jsonPayload({ actors: [2 ** 32], text: 'too big' }, 'bad'),
];

type Item = { readonly event: TalesEvent } | { readonly invalid: Payload };

/** Publishes a workload to a local Kinesis and returns its records (one shard) and the oracle. */
async function publish(items: readonly Item[]): Promise<{ records: KinesisStreamRecord[]; oracle: Oracle }> {
  const [records = []] = [
    ...(
      await publishAndRead(
        kinesis,
        items.map((item) => ('event' in item ? jsonPayload(item.event) : item.invalid)),
      )
    ).values(),
  ];
  const oracle: Oracle = { days: new Map(), rejected: [] };
  items.forEach((item, i) => {
    if (!('event' in item)) {
      oracle.rejected.push(records[i]?.kinesis.sequenceNumber as string);
      return;
    }
    const day = dayNumber(item.event.time);
    oracle.days.set(day, [...(oracle.days.get(day) ?? []), item.event]);
  });
  return { records, oracle };
}

function event(i: number, time: number): Item {
  return { event: { time, actors: [1 + (i % 5)], text: `event ${i}` } };
}

/** Every rejected line stored under the context's prefix, by sequence number. */
async function rejectedLines(ctx: WriterContext): Promise<string[]> {
  const lines: string[] = [];
  for (const key of await listKeys(s3.s3, s3.bucket, `${ctx.layout.prefix}rejected/`)) {
    const object = await s3.s3.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    const text = (await object.Body?.transformToString()) ?? '';
    lines.push(...text.split('\n').filter(Boolean));
  }
  return lines;
}

/**
 * Asserts the end state: every valid event stored once (read back through the chunk reader), no
 * chunk object that no manifest lists, and every rejected record stored (exactly once, unless an
 * acknowledged batch was delivered again, when a line may repeat but never differ).
 */
async function expectExactlyOnce(ctx: WriterContext, oracle: Oracle, rejectedMayRepeat = false): Promise<void> {
  const listed: string[] = [];
  for (const [day, events] of oracle.days) {
    const stored = await readWriterDay(s3.s3, s3.bucket, ctx.layout, zstd, WRITER, day);
    expect(stored.events.map((e) => JSON.stringify(e)).sort()).toEqual(events.map((e) => JSON.stringify(e)).sort());
    listed.push(...(stored.manifest?.chunks ?? []).map((c) => ctx.layout.chunkKey(day, WRITER, c.seq)));
    listed.push(ctx.layout.manifestKey(day, WRITER));
    if (isLateChunk(day, (ctx.clock as () => number)(), CLOSE_AFTER_MS)) listed.push(ctx.layout.lateChunksKey(day));
  }
  expect(await listKeys(s3.s3, s3.bucket, `${ctx.layout.prefix}v1/`)).toEqual(listed.sort());
  const lines = await rejectedLines(ctx);
  const sequences = lines.map((line) => JSON.parse(line).sequenceNumber as string);
  if (rejectedMayRepeat) {
    expect([...new Set(sequences)].sort()).toEqual([...oracle.rejected].sort());
    expect(new Set(lines).size).toBe(new Set(sequences).size);
  } else {
    expect(sequences.sort()).toEqual([...oracle.rejected].sort());
  }
}

/** Asserts that each record is durable now: its event at or below its day's watermark, or its line stored. */
async function expectDurable(ctx: WriterContext, records: readonly KinesisStreamRecord[]): Promise<void> {
  if (records.length === 0) return;
  const stored = new Set((await rejectedLines(ctx)).map((line) => JSON.parse(line).sequenceNumber as string));
  const watermarks = new Map<number, string | undefined>();
  for (const record of records) {
    const sequenceNumber = record.kinesis.sequenceNumber;
    if (stored.has(sequenceNumber)) continue;
    const { time } =
      decodeRecord(record).kind === 'event' ? JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()) : { time: undefined };
    expect(time, `rejected record ${sequenceNumber} is stored`).toEqual(expect.any(Number));
    const day = dayNumber(time);
    if (!watermarks.has(day)) {
      const manifest = await readManifest(s3.s3, s3.bucket, ctx.layout.manifestKey(day, WRITER), WRITER, day);
      watermarks.set(day, manifest?.chunks[manifest.chunks.length - 1]?.watermark);
    }
    const watermark = watermarks.get(day);
    expect(watermark !== undefined && compareSequenceNumbers(sequenceNumber, watermark) <= 0, `record ${sequenceNumber} is durable`).toBe(
      true,
    );
  }
}

function indexOf(records: readonly KinesisStreamRecord[], sequenceNumber: string | undefined): number {
  const index = records.findIndex((r) => r.kinesis.sequenceNumber === sequenceNumber);
  expect(index, `retry point ${sequenceNumber} is a record of the batch`).toBeGreaterThanOrEqual(0);
  return index;
}

describe('writeBatch under S3 faults', () => {
  it('repairs a lost manifest write (after the chunk write) on retry, overwriting the unreferenced chunk', async () => {
    const ctx = context();
    const { records, oracle } = await publish(Array.from({ length: 12 }, (_, i) => event(i, DAY * DAY_MS + i)));
    faulty.arm({ call: 2, lost: 'request', command: 'PutObjectCommand' });

    const failed = await writeBatch(ctx, records);

    expect(failed.retryFrom).toBe(records[0]?.kinesis.sequenceNumber);
    expect(failed.failures).toEqual([{ key: ctx.layout.manifestKey(DAY, WRITER), error: expect.any(InjectedFault) }]);
    expect(await listKeys(s3.s3, s3.bucket, ctx.layout.prefix)).toEqual([ctx.layout.chunkKey(DAY, WRITER, 0)]);
    faulty.arm();
    expect(await writeBatch(ctx, records)).toMatchObject({ eventsWritten: 12, puts: 2, retryFrom: undefined });
    await expectExactlyOnce(ctx, oracle);
  });

  it('skips on retry what a manifest write made durable before its answer was lost', async () => {
    const ctx = context();
    const { records, oracle } = await publish(Array.from({ length: 12 }, (_, i) => event(i, DAY * DAY_MS + i)));
    faulty.arm({ call: 2, lost: 'response', command: 'PutObjectCommand' });

    expect((await writeBatch(ctx, records)).retryFrom).toBe(records[0]?.kinesis.sequenceNumber);
    faulty.arm();
    expect(await writeBatch(ctx, records)).toMatchObject({ eventsWritten: 0, eventsSkipped: 12, puts: 0, retryFrom: undefined });
    await expectExactlyOnce(ctx, oracle);
  });

  it('retries a multi-day batch from the first record of the failing day; days already written are skipped', async () => {
    const ctx = context();
    // Day D+1 records come first in sequence order, then the interleaved days.
    const items = Array.from({ length: 20 }, (_, i) => event(i, (DAY + (i < 4 ? 1 : i % 2)) * DAY_MS + i));
    const { records, oracle } = await publish(items);
    faulty.arm({ call: 1, lost: 'request', key: ctx.layout.chunkKey(DAY, WRITER, 0) });

    const failed = await writeBatch(ctx, records);

    expect(failed.retryFrom).toBe(records[4]?.kinesis.sequenceNumber);
    expect(failed.failures).toEqual([{ key: ctx.layout.chunkKey(DAY, WRITER, 0), error: expect.any(InjectedFault) }]);
    await expectDurable(ctx, records.slice(0, 4));
    faulty.arm();
    const retried = await writeBatch(ctx, records.slice(4));
    expect(retried).toMatchObject({ eventsWritten: 8, eventsSkipped: 8, chunks: 1, puts: 2 });
    await expectExactlyOnce(ctx, oracle);
  });

  it('retries from the first record when the rejected object cannot be written, writing nothing else', async () => {
    const ctx = context();
    const { records, oracle } = await publish([event(0, DAY * DAY_MS), { invalid: INVALID[0] as Payload }, event(1, DAY * DAY_MS)]);
    faulty.arm({ call: 1, lost: 'request', command: 'PutObjectCommand' });

    const failed = await writeBatch(ctx, records);

    expect(failed).toMatchObject({ retryFrom: records[0]?.kinesis.sequenceNumber, rejected: 0, puts: 0 });
    expect(faulty.sent).toEqual(['PutObjectCommand']);
    faulty.arm();
    await writeBatch(ctx, records);
    await expectExactlyOnce(ctx, oracle);
  });

  it('moves the retry point back to the first rejected record when rejected records follow the failure', async () => {
    const ctx = context();
    const items: Item[] = [
      event(0, DAY * DAY_MS),
      { invalid: INVALID[0] as Payload },
      event(1, (DAY + 1) * DAY_MS),
      { invalid: INVALID[1] as Payload },
      event(2, DAY * DAY_MS),
    ];
    const { records, oracle } = await publish(items);
    faulty.arm({ call: 1, lost: 'request', key: ctx.layout.chunkKey(DAY + 1, WRITER, 0) });

    const failed = await writeBatch(ctx, records);

    // D+1 fails at record 2, but record 3 is in the rejected object keyed by record 1: the
    // retry must regenerate that key, not write record 3 again under a new one.
    expect(failed.retryFrom).toBe(records[1]?.kinesis.sequenceNumber);
    faulty.arm();
    expect(await writeBatch(ctx, records.slice(1))).toMatchObject({ eventsWritten: 1, eventsSkipped: 1, rejected: 2 });
    await expectExactlyOnce(ctx, oracle);
  });

  it('survives a crash after the last write followed by bisected halves, rejected lines included', async () => {
    const ctx = context();
    const items: Item[] = Array.from({ length: 10 }, (_, i) =>
      i === 2 || i === 7 ? { invalid: INVALID[i % 3] as Payload } : event(i, DAY * DAY_MS + i),
    );
    const { records, oracle } = await publish(items);
    // Rejected object keyed by record 2 holds records 2 and 7; then the chunk, then the manifest,
    // whose answer is lost as the Lambda dies.
    faulty.arm({ call: 3, lost: 'response', crash: true, command: 'PutObjectCommand' });
    await writeBatch(ctx, records);
    expect(faulty.crashed).toBe(true);

    faulty.arm();
    // The first half rewrites the rejected object with record 2 only; the second keys record 7 anew.
    expect(await writeBatch(ctx, records.slice(0, 5))).toMatchObject({
      eventsWritten: 0,
      eventsSkipped: 4,
      rejected: 1,
      retryFrom: undefined,
    });
    expect(await writeBatch(ctx, records.slice(5))).toMatchObject({
      eventsWritten: 0,
      eventsSkipped: 4,
      rejected: 1,
      retryFrom: undefined,
    });
    await expectExactlyOnce(ctx, oracle);
  });

  it('fails the day whose manifest is corrupt, naming its key, and leaves that manifest alone', async () => {
    const ctx = context();
    const { records } = await publish([event(0, DAY * DAY_MS), event(1, (DAY + 1) * DAY_MS)]);
    const key = ctx.layout.manifestKey(DAY, WRITER);
    await s3.s3.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: '{"format":"tales.manifest","version":1' }));
    faulty.arm();

    const result = await writeBatch(ctx, records);

    expect(result.retryFrom).toBe(records[0]?.kinesis.sequenceNumber);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.key).toBe(key);
    expect(result.failures[0]?.error).toBeInstanceOf(CorruptError);
    expect(String(result.failures[0]?.error)).toContain(`${key}: invalid manifest`);
    expect(result).toMatchObject({ eventsWritten: 1, chunks: 1 });
    const object = await s3.s3.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(await object.Body?.transformToString()).toBe('{"format":"tales.manifest","version":1');
  });
});

/** How Lambda's event source mapping might deliver a shard: batch size, faults per attempt, retry choices. */
interface Delivery {
  readonly batchSize: number;
  readonly faults: readonly (Fault | null)[];
  readonly choices: readonly number[];
  /** Deliver already acknowledged records again once (a checkpoint lost), from this share of the way. */
  readonly replay: number | null;
}

/**
 * Plays Lambda's Kinesis event source mapping over one shard: batches from the checkpoint; a crash
 * (no answer) retries the batch whole or bisected; a partial failure retries from the reported record,
 * as the rest of the batch, a new batch, or bisected. Checks at every partial failure that every
 * record before the reported one is durable, since Lambda will not deliver it again.
 */
async function deliver(ctx: WriterContext, records: readonly KinesisStreamRecord[], plan: Delivery): Promise<boolean> {
  let faultAt = 0;
  let choiceAt = 0;
  const choose = (n: number) => (plan.choices[choiceAt++ % Math.max(plan.choices.length, 1)] ?? 0) % n;
  const stack: [number, number][] = [];
  let checkpoint = 0;
  let replayed = false;
  for (let attempts = 0; ; attempts++) {
    expect(attempts).toBeLessThan(1000);
    if (stack.length === 0) {
      if (plan.replay !== null && !replayed && checkpoint >= plan.replay * records.length && checkpoint > 0) {
        replayed = true;
        checkpoint = choose(checkpoint);
      }
      if (checkpoint >= records.length) return replayed;
      stack.push([checkpoint, Math.min(records.length, checkpoint + plan.batchSize)]);
    }
    const [lo, hi] = stack.pop() as [number, number];
    faulty.arm(plan.faults[faultAt++] ?? undefined);
    const result = await writeBatch(ctx, records.slice(lo, hi));
    if (faulty.crashed) {
      const mid = (lo + hi) >> 1;
      if (hi - lo > 1 && choose(2) === 1) stack.push([mid, hi], [lo, mid]);
      else stack.push([lo, hi]);
    } else if (result.retryFrom !== undefined) {
      expect(result.failures.length).toBeGreaterThan(0);
      const from = lo + indexOf(records.slice(lo, hi), result.retryFrom);
      faulty.arm();
      await expectDurable(ctx, records.slice(lo, from));
      const mid = (from + hi) >> 1;
      const how = choose(3);
      if (how === 0) stack.push([from, hi]);
      else if (how === 1 || hi - from < 2) {
        stack.length = 0;
        checkpoint = from;
      } else stack.push([mid, hi], [from, mid]);
    } else {
      expect(result.failures).toEqual([]);
      checkpoint = Math.max(checkpoint, hi);
    }
  }
}

describe('writeBatch retried through random faults', () => {
  const time = fc.oneof(
    fc.integer({ min: 0, max: 2_000 }),
    fc.integer({ min: DAY_MS - 2_000, max: DAY_MS - 1 }),
    fc.integer({ min: 0, max: DAY_MS - 1 }),
  );
  const item = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 2 }), time) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: INVALID.length - 1 }) },
  );
  const fault = fc.option(
    fc.record({
      call: fc.integer({ min: 1, max: 7 }),
      lost: fc.constantFrom('request' as const, 'response' as const),
      crash: fc.boolean(),
    }),
  );
  const delivery = fc.record({
    // The writer's clock: the days young, or some of them late (their marker among the calls that may fail).
    at: fc.integer({ min: (DAY + 1) * DAY_MS, max: (DAY + 5) * DAY_MS }),
    batchSize: fc.integer({ min: 1, max: 30 }),
    faults: fc.array(fault, { maxLength: 8 }),
    choices: fc.array(fc.nat(), { maxLength: 8 }),
    replay: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }),
  });

  it.each([
    ['', () => undefined],
    [' (a warm consumer: its manifest cache kept across attempts, crashes included)', () => new ManifestCache()],
  ])('stores every event exactly once and every rejected record, whatever fails and however Lambda retries%s', async (_, cache) => {
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 50 }), delivery, async (generated, plan) => {
        const ctx = context(cache(), plan.at);
        const items = generated.map(
          (g, i): Item => (typeof g === 'number' ? { invalid: INVALID[g] as Payload } : event(i, (DAY + g[0]) * DAY_MS + g[1])),
        );
        const { records, oracle } = await publish(items);
        const replayed = await deliver(ctx, records, plan);
        faulty.arm();
        await expectExactlyOnce(ctx, oracle, replayed);
      }),
      { numRuns: 30 },
    );
  });
});
