import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../../shared/query/context';
import { encodeCursor } from '../../../shared/query/cursor';
import { parseQueryRequest } from '../../../shared/query/request';
import { runQuery } from '../../../shared/query/run-query';
import { faultyS3 } from '../../support/faulty-s3';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { expectedEvents } from '../../support/query-oracle';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const DAY0 = dayNumber(T0);
const HOUR = 3_600_000;
const LATER = T0 + 10 * DAY_MS;
const COMPACT = { now: LATER, serverSideCopy: false, minPartBytes: 2048 } as const;

interface Query {
  readonly actors: number[];
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

/** One page of `query` after `cursor`, as the handler answers it. */
async function page(ctx: QueryContext, query: Query, cursor?: string) {
  const params = {
    actors: query.actors.join(','),
    from: String(query.from),
    to: String(query.to),
    limit: String(query.limit),
    ...(cursor ? { cursor } : {}),
  };
  const request = parseQueryRequest(params, { now: T0, maxSpanDays: 366 });
  const result = await runQuery(ctx, request);
  return { events: result.events, next: result.resumeAfter ? encodeCursor(request, result.resumeAfter) : undefined };
}

async function rest(ctx: QueryContext, query: Query, cursor?: string): Promise<TalesEvent[]> {
  const events: TalesEvent[] = [];
  let next = cursor;
  do {
    const answer = await page(ctx, query, next);
    events.push(...answer.events);
    next = answer.next;
  } while (next);
  return events;
}

describe('queries over compacted days', () => {
  let local: LocalS3;
  let zstd: BlockCompressor;
  let run = 0;
  beforeAll(async () => {
    [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
  });
  afterAll(() => local.stop());

  async function seed(writers: TalesEvent[][][]) {
    const layout = new KeyLayout(`compacted-${run++}/`);
    const target = { s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 4 } };
    const stored: StoredEvent[] = [];
    for (const [w, batches] of writers.entries()) stored.push(...(await seedWriter(target, `shardId-00000000000${w}`, batches)).stored);
    const ctx = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd, cacheEntries: 50, maxGap: 0 });
    return { target, ctx, stored };
  }

  const event = fc.record({
    time: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 23 })).map(([d, h]) => T0 + d * DAY_MS + h * HOUR),
    actors: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    text: fc.string({ maxLength: 30 }),
  });
  const writers = fc.array(fc.array(fc.array(event, { minLength: 1, maxLength: 50 }), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 3,
  });
  const query = fc.record({
    actors: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }),
    from: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    to: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    limit: fc.integer({ min: 1, max: 20 }),
  });

  it('answers exactly as before compaction, in both directions, and cursors issued before it stay valid', async () => {
    await fc.assert(
      fc.asyncProperty(writers, fc.array(query, { minLength: 1, maxLength: 4 }), async (workload, queries) => {
        const { ctx, stored } = await seed(workload);
        const firstPages = [];
        for (const q of queries) {
          const expected = expectedEvents(stored, q).map((s) => s.event);
          expect(await rest(ctx, q)).toEqual(expected);
          firstPages.push(await page(ctx, q));
        }
        for (const day of [DAY0, DAY0 + 1]) await compactDay(ctx, day, COMPACT);
        for (const [i, q] of queries.entries()) {
          const expected = expectedEvents(stored, q).map((s) => s.event);
          expect(await rest(ctx, q)).toEqual(expected);
          const before = firstPages[i] as Awaited<ReturnType<typeof page>>;
          const resumed = before.next ? await rest(ctx, q, before.next) : [];
          expect([...before.events, ...resumed]).toEqual(expected);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('reads a chunk written to a compacted day after the compaction beside the compacted form', async () => {
    const { target, ctx, stored } = await seed([
      [
        [
          { time: T0 + HOUR, actors: [1], text: 'early' },
          { time: T0 + 3 * HOUR, actors: [1, 2], text: 'both' },
        ],
      ],
    ]);
    await compactDay(ctx, DAY0, COMPACT);
    const late = await seedWriter(target, 'shardId-000000000000', [[{ time: T0 + 2 * HOUR, actors: [1], text: 'late' }]]);
    expect(late.keys).toEqual([target.layout.chunkKey(DAY0, 'shardId-000000000000', 1)]);
    const q = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 2 };
    expect((await rest(ctx, q)).map((e) => e.text)).toEqual(['early', 'late', 'both']);
    expect(await rest(ctx, q)).toEqual(expectedEvents([...stored, ...late.stored], q).map((s) => s.event));
    // A second compaction of the day leaves it as it is: the late chunk stays a writer chunk.
    expect((await compactDay(ctx, DAY0, COMPACT)).status).toBe('already-compacted');
  });

  it('answers correctly while a compaction is cut off half way and after the writer chunks are swept', async () => {
    const batch = (d: number) =>
      Array.from({ length: 30 }, (_, i) => ({ time: T0 + d * DAY_MS + i * HOUR, actors: [1 + (i % 3)], text: `${d}:${i}` }));
    const { ctx, stored } = await seed([[batch(0), batch(1)], [batch(0)]]);
    const q = { actors: [2], from: T0 + 2 * DAY_MS, to: T0, limit: 4 };
    const expected = expectedEvents(stored, q).map((s) => s.event);
    const faulty = faultyS3(local.endpoint);
    // The data and index objects are written, the metadata is not.
    faulty.arm({ call: 1, lost: 'request', command: 'PutObjectCommand', key: ctx.layout.compactMetaKey(DAY0) });
    await expect(compactDay({ ...ctx, s3: faulty.s3 }, DAY0, COMPACT)).rejects.toThrow();
    expect(await rest(ctx, q)).toEqual(expected);
    expect((await compactDay(ctx, DAY0, COMPACT)).status).toBe('compacted');
    expect(await rest(ctx, q)).toEqual(expected);
    expect((await sweepCompactedChunks(ctx, DAY0, LATER, 0)).status).toBe('swept');
    expect(await rest(ctx, q)).toEqual(expected);
  });

  it('reads a compacted day with one head read for all its sources, and only the blocks of the page', async () => {
    const batch = (w: number) => Array.from({ length: 40 }, (_, i) => ({ time: T0 + i * 60_000 + w, actors: [7], text: `w${w} ${i}` }));
    const { ctx } = await seed([[batch(0), batch(1)], [batch(2)]]);
    await compactDay(ctx, DAY0, COMPACT);
    const q = { actors: [7], from: T0, to: T0 + DAY_MS - 1, limit: 3 };
    const first = await runQuery(ctx, q);
    expect(first.events.map((e) => e.text)).toEqual(['w0 0', 'w1 0', 'w2 0']);
    expect(first.stats.toJSON()).toMatchObject({ heads: 1, lists: 1 });
    expect(first.stats.blocks).toBeLessThanOrEqual(3);
  });
});
