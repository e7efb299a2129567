import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3Source } from '../../../shared/aws/s3-source';
import { ChunkIndex } from '../../../shared/chunk/chunk-index';
import { readEntries } from '../../../shared/chunk/reader';
import { compactDay } from '../../../shared/compact/compact-day';
import { readCompactMeta } from '../../../shared/compact/read-meta';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import { purgeCompactedDay } from '../../../shared/erasure/purge-day';
import { sweepOldGenerations } from '../../../shared/erasure/sweep-generations';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import type { QueryContext } from '../../../shared/query/context';
import { faultyS3, InjectedFault } from '../../support/faulty-s3';
import { expectedVisibleEvents } from '../../support/query-oracle';
import { HOUR, queryAll, seedWorkload, T0, useQueryStore } from '../../support/query-workload';

const DAY0 = dayNumber(T0);
const LATER = T0 + 10 * DAY_MS;
const ERASED = 3;
const MARKER = 'SECRET-OF-3';

/** Two writers of `batches` batches: actor 3 alone and with 1, among events of 1, 2, 4 and 5; same times across writers. */
function workload(batches: number): TalesEvent[][][] {
  const batch = (w: number, b: number) =>
    Array.from({ length: 40 }, (_, i) => {
      const actors = i % 4 === 0 ? [ERASED] : i % 4 === 1 ? [1, ERASED] : i % 4 === 2 ? [1, 2] : [4 + w];
      const text = actors.includes(ERASED) ? `${MARKER} w${w} b${b} #${i}` : `kept w${w} b${b} #${i}`;
      return { time: T0 + (i % 10) * HOUR, actors, text };
    });
  return [0, 1].map((w) => Array.from({ length: batches }, (_, b) => batch(w, b)));
}

describe('purging erased actors from a compacted day', () => {
  const store = useQueryStore('purge');
  const queries = [
    { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 7 },
    { actors: [2], from: T0 + DAY_MS - 1, to: T0, limit: 5 },
    { actors: [1, 2], from: T0, to: T0 + DAY_MS - 1, limit: 3 },
    { actors: [3], from: T0, to: T0 + DAY_MS - 1, limit: 3 },
  ];

  async function compactedDay(batches = 2) {
    // Day sources are read again by every query: the sweeps below delete at once what a cached list names
    // (in a deployment, the grace period outlasts the cache).
    const seeded = await seedWorkload(store, workload(batches), {
      chunkOptions: { blockSize: 1024, inlineMax: 2 },
      maxGap: 0,
      dayTtlMs: { open: 0, closed: 0 },
    });
    await compactDay(seeded.ctx, DAY0, { now: LATER, serverSideCopy: false, minPartBytes: 2048 });
    return seeded;
  }

  async function finish(ctx: QueryContext) {
    const meta = await metaOf(ctx);
    await sweepCompactedChunks(ctx, meta, LATER, 0);
    return sweepOldGenerations(ctx, meta, LATER, 0);
  }

  it('leaves no byte of the erased events under the prefix, and every other event where and as it was', async () => {
    const { ctx, stored } = await compactedDay();
    const erased = new Set([ERASED]);
    const outcome = await purgeCompactedDay(ctx, await metaOf(ctx), erased, { now: LATER });
    expect(outcome).toMatchObject({ status: 'purged', erased: 80 });
    expect(await finish(ctx)).toEqual({ status: 'swept', deleted: 2 });
    // Without any erasure check, queries answer the oracle minus the erased events: tombstones name no actor.
    for (const q of queries) expect(await queryAll(ctx, q)).toEqual(expectedVisibleEvents(stored, q, erased).map((s) => s.event));
    await expectNoTrace(ctx);
    expect((await purgeCompactedDay(ctx, await metaOf(ctx), erased, { now: LATER })).status).toBe('clean');
  });

  it('ends purged with nothing lost for other actors after a crash at any S3 call and a rerun', async () => {
    const erased = new Set([ERASED]);
    const probe = await compactedDay(1);
    const counting = faultyS3(store.local.endpoint);
    counting.arm();
    const meta = await metaOf(probe.ctx);
    await purgeCompactedDay({ ...probe.ctx, s3: counting.s3 }, meta, erased, { now: LATER });
    const calls = counting.sent.length;
    expect(calls).toBeGreaterThan(4);
    for (let call = 1; call <= calls; call++) {
      for (const lost of ['request', 'response'] as const) {
        const { ctx, stored } = await compactedDay(1);
        const faulty = faultyS3(store.local.endpoint);
        faulty.arm({ call, lost, crash: true });
        const before = await metaOf(ctx);
        await expect(purgeCompactedDay({ ...ctx, s3: faulty.s3 }, before, erased, { now: LATER })).rejects.toThrow(InjectedFault);
        // Cut off anywhere, queries answer every other event: from the old generation (the erasure check hides the
        // erased ones meanwhile) or, once the commit is written, from the purged one.
        for (const q of queries) {
          const answer = await queryAll(ctx, q);
          const before = expectedVisibleEvents(stored, q, new Set()).map((s) => s.event);
          const after = expectedVisibleEvents(stored, q, erased).map((s) => s.event);
          expect([before, after]).toContainEqual(answer);
        }
        const current = await metaOf(ctx);
        await purgeCompactedDay(ctx, current, erased, { now: LATER });
        await finish(ctx);
        for (const q of queries) expect(await queryAll(ctx, q)).toEqual(expectedVisibleEvents(stored, q, erased).map((s) => s.event));
        await expectNoTrace(ctx);
      }
    }
  }, 400_000);
});

async function metaOf(ctx: QueryContext) {
  const meta = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, DAY0);
  if (!meta) throw new Error('the day is not compacted');
  return meta;
}

/** Scans every object under the prefix: raw bytes, every index's actor directory and dictionaries, every decoded entry. */
async function expectNoTrace(ctx: QueryContext): Promise<void> {
  const marker = Buffer.from(MARKER);
  let indexes = 0;
  for await (const page of paginateListObjectsV2({ client: ctx.s3 }, { Bucket: ctx.bucket, Prefix: ctx.layout.prefix })) {
    for (const { Key } of page.Contents ?? []) {
      const key = Key as string;
      const response = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
      const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
      expect(Buffer.from(bytes).includes(marker), key).toBe(false);
      if (!key.endsWith('.tale')) continue;
      const index = ChunkIndex.parse(key, bytes, ctx.zstd);
      indexes++;
      expect(index.directory.actorIds, key).not.toContain(ERASED);
      for (let d = 0; d < index.directory.dictionaries.length; d++) {
        const dictionary = await index.dictionary(d, { key, read: async (offset, length) => bytes.subarray(offset, offset + length) });
        expect(Buffer.from(dictionary).includes(marker), key).toBe(false);
      }
      // Every entry, decompressed: tombstones (no actor, no text) where the erased events were.
      const all = Uint32Array.from({ length: index.entryCount }, (_, i) => i);
      const data = s3Source(ctx.s3, ctx.bucket, key.replace(/\.index\.tale$/, '.blocks'));
      const inMemory = { key, read: async (offset: number, length: number) => bytes.subarray(offset, offset + length) };
      let tombstones = 0;
      for await (const entry of readEntries(index, inMemory, all, ctx.zstd, { blocksAt: { source: data, offset: 0 } })) {
        expect(entry.text.includes(MARKER) || entry.actors.includes(ERASED), key).toBe(false);
        if (entry.actors.length === 0) tombstones++;
      }
      expect(tombstones).toBeGreaterThan(0);
    }
  }
  expect(indexes).toBe(1);
}
