import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { encodeCursor } from '../../../shared/query/cursor';
import { parseQueryRequest } from '../../../shared/query/request';
import { runQuery } from '../../../shared/query/run-query';
import { writeBatch } from '../../../shared/writer/write-batch';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

const T0 = Date.UTC(2026, 6, 1);
const MINUTE = 60_000;

/**
 * The order a query promises, stated without the storage: by time, then writer, then arrival at that
 * writer (a later batch gets a later chunk sequence; within a chunk, equal times keep arrival order).
 */
function expected(writers: TalesEvent[][][], query: { actors: number[]; from: number; to: number }): TalesEvent[] {
  const lo = Math.min(query.from, query.to);
  const hi = Math.max(query.from, query.to);
  const all = writers.flatMap((batches, w) => batches.flat().map((event, arrival) => ({ event, w, arrival })));
  const matching = all
    .filter(({ event }) => event.time >= lo && event.time <= hi && query.actors.every((a) => event.actors.includes(a)))
    .sort((a, b) => a.event.time - b.event.time || a.w - b.w || a.arrival - b.arrival)
    .map(({ event }) => event);
  return query.from > query.to ? matching.reverse() : matching;
}

describe('queries over chunks written by the writer (s3rver)', () => {
  let local: LocalS3;
  let zstd: BlockCompressor;
  let run = 0;
  beforeAll(async () => {
    [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
  });
  afterAll(() => local.stop());

  const event = fc.record({
    // Minutes across three days, coarse enough that equal times across writers and batches are common.
    time: fc.integer({ min: 0, max: (3 * DAY_MS) / MINUTE / 30 - 1 }).map((slot) => T0 + slot * 30 * MINUTE),
    actors: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    text: fc.string({ maxLength: 40 }),
  });
  const workload = fc.array(fc.array(fc.array(event, { minLength: 1, maxLength: 50 }), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 3,
  });
  const query = fc.record({
    actors: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
    from: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    to: fc.integer({ min: T0 - DAY_MS, max: T0 + 3 * DAY_MS }),
    limit: fc.integer({ min: 1, max: 30 }),
  });

  it('every page sequence, in either direction, equals the promised order, with no duplicate or gap', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.array(query, { minLength: 1, maxLength: 3 }), async (writers, queries) => {
        const layout = new KeyLayout(`e2e-${run++}/`);
        const writerContext = { s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 4 } };
        await Promise.all(
          writers.map(async (batches, w) => {
            let sequence = 49_000_000_000_000_000_000n;
            for (const batch of batches) {
              const records = syntheticRecords(
                batch.map((e) => jsonPayload(e)),
                { shardId: `shardId-00000000000${w}`, first: sequence },
              );
              sequence += BigInt(batch.length);
              expect((await writeBatch(writerContext, records)).retryFrom).toBeUndefined();
              // Lambda may deliver a batch again: the watermark must keep it from showing twice.
              expect((await writeBatch(writerContext, records)).eventsWritten).toBe(0);
            }
          }),
        );
        const ctx = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd, cacheEntries: 20 });
        for (const q of queries) {
          const got: TalesEvent[] = [];
          let cursor: string | undefined;
          do {
            const params = { actors: q.actors.join(','), from: String(q.from), to: String(q.to), limit: String(q.limit) };
            const request = parseQueryRequest(cursor ? { ...params, cursor } : params, { now: T0, maxSpanDays: 366 });
            const page = await runQuery(ctx, request);
            got.push(...page.events);
            cursor = page.resumeAfter ? encodeCursor(request, page.resumeAfter) : undefined;
          } while (cursor);
          expect(got).toEqual(expected(writers, q));
        }
      }),
      { numRuns: 8 },
    );
  });
});
