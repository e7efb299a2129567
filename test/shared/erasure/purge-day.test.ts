import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay, writerChunks } from '../../../shared/compact/compact-day';
import { coveredChunks } from '../../../shared/compact/meta';
import { readStoredCompactMeta } from '../../../shared/compact/read-meta';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import { type PurgeOptions, purgeCompactedDay } from '../../../shared/erasure/purge-day';
import { sweepOldGenerations } from '../../../shared/erasure/sweep-generations';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../../shared/query/context';
import { runCounts } from '../../../shared/query/counts';
import { expectNoTrace } from '../../support/erasure-scan';
import { faultyS3, InjectedFault } from '../../support/faulty-s3';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedVisibleEvents } from '../../support/query-oracle';
import { HOUR, queryAll, queryPage, T0 } from '../../support/query-workload';
import { type SeedOptions, type StoredEvent, seedWriter } from '../../support/seed-chunks';

const DAY0 = dayNumber(T0);
const LATER = T0 + 10 * DAY_MS;
const ERASED = 3;
const MARKER = 'SECRET-OF-3';
/** Small blocks, so that a test day spans several blocks of the compacted day. */
const ENCODING = { blockSize: 2048 } as const;

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

/** A batch of 40 events of writer `w`: actor 3 alone and with 1, among events of 1, 2 and 4 + w; times shared across writers. */
function batch(w: number, b: number, onlyErased = false): TalesEvent[] {
  return Array.from({ length: 40 }, (_, i) => {
    const actors = onlyErased || i % 4 === 0 ? [ERASED] : i % 4 === 1 ? [1, ERASED] : i % 4 === 2 ? [1, 2] : [4 + w];
    const text = actors.includes(ERASED) ? `${MARKER} w${w} b${b} #${i}` : `kept w${w} b${b} #${i}`;
    return { time: T0 + (i % 10) * HOUR, actors, text };
  });
}

interface Stored {
  readonly memory: MemoryS3;
  readonly ctx: QueryContext;
  readonly stored: StoredEvent[];
  /** Stores batches of a writer (0, 1 or a new one) after what the day holds, as a replay after the compaction: late. */
  add(w: number, batches: readonly TalesEvent[][]): Promise<void>;
}

/** Two writers' batches stored and compacted (format 2); queries read every day again (no day cache). */
async function compactedDay(batches = 2, onlyErased = false): Promise<Stored> {
  const memory = new MemoryS3();
  const s3 = memory.client();
  const layout = new KeyLayout('purge/');
  const target = { s3, bucket: memory.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 2 } };
  const stored: StoredEvent[] = [];
  const write = async (w: number, more: readonly TalesEvent[][], options: SeedOptions = {}) => {
    stored.push(...(await seedWriter(target, `shardId-00000000000${w}`, more, options)).stored);
  };
  for (const w of [0, 1])
    await write(
      w,
      Array.from({ length: batches }, (_, b) => batch(w, b, onlyErased)),
    );
  const ctx = createQueryContext({ s3, bucket: memory.bucket, layout, zstd, maxGap: 0, dayTtlMs: { open: 0, closed: 0 } });
  const outcome = await compactDay(ctx, DAY0, { now: LATER, ...ENCODING });
  if (outcome.status !== 'compacted') throw new Error(outcome.status);
  return { memory, ctx, stored, add: (w, more) => write(w, more, { at: LATER }) };
}

/** The day's metadata as stored (with its ETag) and the writer chunks written after it. */
async function current(ctx: QueryContext) {
  const stored = await readStoredCompactMeta(ctx.s3, ctx.bucket, ctx.layout, DAY0);
  if (!stored) throw new Error('the day is not compacted');
  const late = (await writerChunks(ctx, DAY0, 8)).filter((chunk) => chunk.record.seq >= coveredChunks(stored.meta, chunk.writer));
  return { stored, late };
}

async function purge(ctx: QueryContext, erased = new Set([ERASED]), options: Partial<PurgeOptions> = {}) {
  const { stored, late } = await current(ctx);
  return purgeCompactedDay(ctx, stored, erased, { now: LATER, late, ...ENCODING, ...options });
}

/** The sweeps of a pass after the grace period: compacted chunks and tier/, then replaced generations. */
async function sweep(ctx: QueryContext) {
  const { stored } = await current(ctx);
  await sweepCompactedChunks(ctx, stored.meta, LATER, 0);
  return sweepOldGenerations(ctx, stored.meta, LATER, 0);
}

const QUERIES = [
  { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 7 },
  { actors: [2], from: T0 + DAY_MS - 1, to: T0, limit: 5 },
  { actors: [1, 2], from: T0, to: T0 + DAY_MS - 1, limit: 3 },
  { actors: [4], from: T0, to: T0 + DAY_MS - 1, limit: 4 },
  { actors: [ERASED], from: T0, to: T0 + DAY_MS - 1, limit: 3 },
];

/** Queries with no erasure check answer the oracle without the erased events: nothing of them is left to hide. */
async function expectPurged(ctx: QueryContext, stored: readonly StoredEvent[], erased = new Set([ERASED])): Promise<void> {
  for (const q of QUERIES)
    expect(await queryAll(ctx, q), JSON.stringify(q)).toEqual(expectedVisibleEvents(stored, q, erased).map((s) => s.event));
}

describe('purgeCompactedDay', () => {
  it('re-encodes a compacted day without the erased events: no byte of them is left, every other event keeps its place', async () => {
    const { ctx, stored } = await compactedDay();
    const outcome = await purge(ctx);
    expect(outcome).toMatchObject({ status: 'purged', erased: 80, meta: { version: 2, entries: 80 } });
    // The replaced generation: its index, data and sources objects.
    expect(await sweep(ctx)).toEqual({ status: 'swept', deleted: 3 });
    await expectPurged(ctx, stored);
    const scan = await expectNoTrace(ctx, ERASED, [MARKER]);
    expect(scan).toMatchObject({ compacted: 1, chunks: 0, segments: 0, entries: 80 });
    expect(await purge(ctx)).toEqual({ status: 'clean' });
  });

  it('keeps every cursor: one issued before the purge resumes at exactly the kept events after it', async () => {
    const { ctx, stored } = await compactedDay();
    const erased = new Set([ERASED]);
    const query = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 9 };
    // The first page, before the purge, holds erased events (no erasure check here): the cursor points past some.
    const first = await queryPage(ctx, query);
    expect(first.events.some((event) => event.actors.includes(ERASED))).toBe(true);
    await purge(ctx);
    await sweep(ctx);
    const expected = expectedVisibleEvents(stored, query, new Set()).slice(9);
    expect(await queryAll(ctx, query, first.next)).toEqual(expected.filter((s) => !s.event.actors.includes(ERASED)).map((s) => s.event));
    expect(expectedVisibleEvents(stored, query, erased).length).toBeGreaterThan(0);
  });

  it('folds the writer chunks written after the compaction into the new generation, so the sweep deletes them', async () => {
    const day = await compactedDay(1);
    const { ctx } = day;
    // A late batch of writer 0 (its seq 1) and a writer the compaction never saw.
    await day.add(0, [batch(0, 7)]);
    await day.add(2, [batch(2, 8)]);
    const { late } = await current(ctx);
    expect(late.map((chunk) => `${chunk.writer}/${chunk.record.seq}`)).toEqual(['shardId-000000000000/1', 'shardId-000000000002/0']);
    const outcome = await purge(ctx);
    if (outcome.status !== 'purged') throw new Error(outcome.status);
    expect(outcome.meta.writers).toEqual([
      { writer: 'shardId-000000000000', chunks: 2 },
      { writer: 'shardId-000000000001', chunks: 1 },
      { writer: 'shardId-000000000002', chunks: 1 },
    ]);
    expect(outcome.erased).toBe(80);
    await sweep(ctx);
    await expectPurged(ctx, day.stored);
    expect(await expectNoTrace(ctx, ERASED, [MARKER])).toMatchObject({ compacted: 1, chunks: 0 });
  });

  it('commits a day whose every event is erased as empty: queries find nothing there and fail on nothing', async () => {
    const day = await compactedDay(1, true);
    const { ctx } = day;
    const outcome = await purge(ctx);
    expect(outcome).toMatchObject({ status: 'purged', erased: 80, meta: { entries: 0, indexSize: 0, dataSize: 0 } });
    // Besides the replaced generation, the compacted writer chunks.
    expect(await sweep(ctx)).toEqual({ status: 'swept', deleted: 3 });
    for (const q of QUERIES) expect(await queryAll(ctx, q)).toEqual([]);
    expect((await runCounts(ctx, { actors: [ERASED], from: T0, to: T0 + DAY_MS - 1, buckets: 2 })).counts).toEqual([0, 0]);
    expect(await expectNoTrace(ctx, ERASED, [MARKER])).toMatchObject({ compacted: 0, chunks: 0 });
    // A batch written after that is read beside the empty day, then folded into it by the next purge.
    await day.add(1, [
      [
        { time: T0 + 5, actors: [1], text: 'late, kept' },
        { time: T0 + 6, actors: [ERASED], text: `${MARKER} late` },
      ],
    ]);
    expect(await queryAll(ctx, QUERIES[0] as (typeof QUERIES)[0])).toEqual([{ time: T0 + 5, actors: [1], text: 'late, kept' }]);
    expect(await purge(ctx)).toMatchObject({ status: 'purged', erased: 1, meta: { entries: 1 } });
    await sweep(ctx);
    await expectPurged(ctx, day.stored);
    expect(await expectNoTrace(ctx, ERASED, [MARKER])).toMatchObject({ compacted: 1, chunks: 0, entries: 1 });
  });

  it('refuses to replace metadata changed since it was read: a concurrent purge or compaction is never lost', async () => {
    const { ctx, stored } = await compactedDay(1);
    const stale = await current(ctx);
    // Another pass purged actor 2 meanwhile.
    expect(await purge(ctx, new Set([2]))).toMatchObject({ status: 'purged' });
    const committed = await current(ctx);
    const raced = await purgeCompactedDay(ctx, stale.stored, new Set([ERASED]), { now: LATER, late: [], ...ENCODING });
    expect(raced).toEqual({ status: 'raced' });
    expect((await current(ctx)).stored).toEqual(committed.stored);
    expect(await purge(ctx, new Set([2, ERASED]))).toMatchObject({ status: 'purged' });
    await sweep(ctx);
    await expectPurged(ctx, stored, new Set([2, ERASED]));
  });

  it.each([
    ['a day with a late chunk', false],
    ['a day whose every event is erased', true],
  ])(
    'ends purged with nothing lost for other actors after a crash at any S3 call and a rerun: %s',
    async (_, onlyErased) => {
      const erased = new Set([ERASED]);
      const seeded = async () => {
        const day = await compactedDay(1, onlyErased);
        if (!onlyErased) await day.add(0, [batch(0, 7)]);
        return day;
      };
      const probe = await seeded();
      const counting = faultyS3(probe.memory.client());
      const { stored: before, late } = await current(probe.ctx);
      counting.arm();
      await purgeCompactedDay({ ...probe.ctx, s3: counting.s3 }, before, erased, { now: LATER, late, ...ENCODING });
      const calls = counting.sent.length;
      expect(calls).toBeGreaterThan(onlyErased ? 4 : 8);
      for (let call = 1; call <= calls; call++) {
        for (const lost of ['request', 'response'] as const) {
          const { memory, ctx, stored } = await seeded();
          const faulty = faultyS3(memory.client());
          faulty.arm({ call, lost, crash: true });
          const { stored: meta, late: lateChunks } = await current(ctx);
          const attempt = purgeCompactedDay({ ...ctx, s3: faulty.s3 }, meta, erased, { now: LATER, late: lateChunks, ...ENCODING });
          await expect(attempt).rejects.toThrow(InjectedFault);
          // Cut off anywhere, queries answer every other event: from the old generation and the late chunk (the
          // erasure check hides the erased ones meanwhile) or, once the commit is written, from the new one.
          for (const q of QUERIES) {
            const answer = (await queryAll(ctx, q)).filter((event) => !event.actors.includes(ERASED));
            expect(answer, `call ${call} ${lost}`).toEqual(expectedVisibleEvents(stored, q, erased).map((s) => s.event));
          }
          const rerun = await purge(ctx);
          expect(['purged', 'clean'], `call ${call} ${lost}`).toContain(rerun.status);
          await sweep(ctx);
          await expectPurged(ctx, stored);
          await expectNoTrace(ctx, ERASED, [MARKER]);
        }
      }
    },
    300_000,
  );
});

describe('purging a day compacted in format 1', () => {
  /** The golden day of format 1 (test/fixtures/compact-v1/README.md). */
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/compact-v1/day.json', import.meta.url), 'utf8')) as {
    day: number;
    objects: Record<string, string>;
    stored: StoredEvent[];
  };

  it('re-encodes it in format 2 without the erased events, every other one at its place, the old objects swept', async () => {
    const memory = new MemoryS3();
    for (const [key, base64] of Object.entries(fixture.objects)) memory.put(key, Buffer.from(base64, 'base64'));
    const layout = new KeyLayout('golden/');
    const s3 = memory.client();
    const ctx = createQueryContext({ s3, bucket: memory.bucket, layout, zstd, dayTtlMs: { open: 0, closed: 0 } });
    const actor = 6;
    const erased = new Set([actor]);
    const stored = await readStoredCompactMeta(s3, memory.bucket, layout, fixture.day);
    expect(stored?.meta.version).toBe(1);
    if (!stored) throw new Error('no day');
    const now = (fixture.day + 10) * DAY_MS;
    const outcome = await purgeCompactedDay(ctx, stored, erased, { now });
    expect(outcome).toMatchObject({ status: 'purged', erased: 35, meta: { version: 2, entries: fixture.stored.length - 35 } });
    await sweepOldGenerations(ctx, (await readStoredCompactMeta(s3, memory.bucket, layout, fixture.day))?.meta ?? stored.meta, now, 0);
    const start = fixture.day * DAY_MS;
    for (const actors of [[1], [2], [3, 4], [5], [6, 1]]) {
      for (const query of [
        { actors, from: start, to: start + DAY_MS - 1, limit: 7 },
        { actors, from: start + DAY_MS - 1, to: start, limit: 5 },
      ]) {
        const expected = expectedVisibleEvents(fixture.stored, query, erased).map((s) => s.event);
        expect(await queryAll(ctx, query)).toEqual(expected);
      }
    }
    // Each erased event's text is a marker, unless a kept text holds it too.
    const texts = (events: readonly StoredEvent[], named: boolean) =>
      events.filter(({ event }) => event.actors.includes(actor) === named).map(({ event }) => event.text);
    const kept = texts(fixture.stored, false);
    const markers = texts(fixture.stored, true).filter((text) => !kept.some((other) => other.includes(text)));
    expect(markers.length).toBeGreaterThan(20);
    expect(await expectNoTrace(ctx, actor, markers)).toMatchObject({ compacted: 1, chunks: 0 });
  });
});

describe('purge of a day with a forged metadata object', () => {
  it('fails naming the sources object when the metadata names another one, and writes nothing', async () => {
    const { memory, ctx } = await compactedDay(1);
    const { stored } = await current(ctx);
    if (stored.meta.version !== 2) throw new Error('not re-encoded');
    const key = ctx.layout.compactSourcesKey(DAY0, stored.meta.generation);
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: '{}' }));
    const objects = memory.objects.size;
    const forged = memory.objects.get(key)?.etag;
    await expect(purge(ctx)).rejects.toThrow(
      `${key}: the compacted day's metadata names ${stored.meta.sourcesEtag} but the object is ${forged}`,
    );
    expect(memory.objects.size).toBe(objects);
  });
});
