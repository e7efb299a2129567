import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TalesEvent } from '../../../shared/event/types';
import { createQueryContext } from '../../../shared/query/context';
import { writeBatch } from '../../../shared/writer/write-batch';
import { queryAll, useQueryStore, workloadArbitraries } from '../../support/query-workload';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

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
  const store = useQueryStore('e2e');
  // Every half hour across three days, coarse enough that equal times across writers and batches are common.
  const { writers: workload, query } = workloadArbitraries({ slotMs: 30 * MINUTE, actors: 4, maxText: 40, maxBatch: 50, maxLimit: 30 });

  it('every page sequence, in either direction, equals the promised order, with no duplicate or gap', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.array(query, { minLength: 1, maxLength: 3 }), async (writers, queries) => {
        const { local, zstd } = store;
        const layout = store.layout();
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
        const ctx = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd, cacheBytes: 128 * 1024 });
        for (const q of queries) {
          expect(await queryAll(ctx, q)).toEqual(expected(writers, q));
        }
      }),
      { numRuns: 8 },
    );
  });
});
