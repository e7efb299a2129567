import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { mergeDay } from '../../../shared/tier/merge-day';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { queryAll, queryPage } from '../../support/query-workload';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

/** Midnight: events on either side of it and on it land in two days, and equal times across writers are common. */
const T = Date.UTC(2026, 6, 1);
const WRITERS = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000009'];

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

const shape = fc.record({
  time: fc.constantFrom(T - 1, T, T + 1),
  actors: fc.uniqueArray(fc.constantFrom(1, 6), { minLength: 1, maxLength: 2 }),
});
const batch = fc.record({ writer: fc.constantFrom(...WRITERS), events: fc.array(shape, { minLength: 1, maxLength: 3 }) });

it('a cursor issued before new batches and a merge resumes at exactly the events that sort after it', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(batch, { minLength: 1, maxLength: 3 }),
      fc.array(batch, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      fc.boolean(),
      async (before, after, limit, descending, mergedFirst) => {
        const store = new MemoryS3();
        const s3 = store.client();
        const layout = new KeyLayout('t/');
        const target = { s3, bucket: store.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 2 } };
        const ctx = createQueryContext({
          s3,
          bucket: store.bucket,
          layout,
          zstd,
          cacheBytes: 64 * 1024,
          maxGap: 0,
          dayTtlMs: { open: 0, closed: 0 },
        });
        const stored: StoredEvent[] = [];
        let n = 0;
        // Unique texts name each event, so the oracle can find where the first page stopped.
        const storeBatches = async (batches: typeof before) => {
          for (const { writer, events } of batches) {
            const named: TalesEvent[] = events.map((event) => ({ ...event, text: `e${n++}` }));
            stored.push(...(await seedWriter(target, writer, [named])).stored);
          }
        };
        const merge = async () => {
          for (const day of [dayNumber(T - 1), dayNumber(T)]) expect((await mergeDay(target, day)).status).not.toBe('conflict');
        };
        await storeBatches(before);
        if (mergedFirst) await merge();
        const query = descending
          ? { actors: [6], from: T + 5, to: T - DAY_MS, limit }
          : { actors: [6], from: T - DAY_MS, to: T + 5, limit };
        const first = await queryPage(ctx, query);
        await storeBatches(after);
        await merge();
        if (!first.next) return;
        const expected = expectedEvents(stored, query).map(({ event }) => event.text);
        const stop = expected.indexOf(first.events.at(-1)?.text as string);
        expect((await queryAll(ctx, query, first.next)).map((event) => event.text)).toEqual(expected.slice(stop + 1));
      },
    ),
    { numRuns: 200 },
  );
}, 120_000);
