import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import { eraseActor } from '../../../shared/erasure/erase-actor';
import { ErasedActors, erasureFilter } from '../../../shared/erasure/erased-actors';
import { readErasedSet } from '../../../shared/erasure/erased-set';
import { ErasureKeys } from '../../../shared/erasure/keys';
import { runPurge } from '../../../shared/erasure/run-purge';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../../shared/query/context';
import { runCounts } from '../../../shared/query/counts';
import { decodeCursor } from '../../../shared/query/cursor';
import { orderOf } from '../../../shared/query/order';
import { mergeDay } from '../../../shared/tier/merge-day';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedCounts, expectedVisibleEvents } from '../../support/query-oracle';
import { HOUR, type QueryCase, queryPage, T0, workloadArbitraries } from '../../support/query-workload';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const LATER = T0 + 10 * DAY_MS;

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

/**
 * Each writer's batches (writer w as shardId-00000000000w) in a fresh MemoryS3, and a query context that
 * reads every day again (no day cache): the schedule adds batches to days the clock already sees as closed.
 */
async function seeded(writers: readonly TalesEvent[][][]) {
  const memory = new MemoryS3();
  const s3 = memory.client();
  const layout = new KeyLayout('erased/');
  const target = { s3, bucket: memory.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 2 } };
  const stored: StoredEvent[] = [];
  for (const [w, batches] of writers.entries()) stored.push(...(await seedWriter(target, `shardId-00000000000${w}`, batches)).stored);
  const ctx = createQueryContext({ s3, bucket: memory.bucket, layout, zstd, maxGap: 0, dayTtlMs: { open: 0, closed: 0 } });
  return { ctx, target, stored };
}

type Step =
  | { readonly kind: 'erase'; readonly actor: number }
  | { readonly kind: 'batch'; readonly events: TalesEvent[] }
  | { readonly kind: 'merge'; readonly day: number }
  | { readonly kind: 'compact'; readonly day: number }
  | { readonly kind: 'purge'; readonly swept: boolean }
  | { readonly kind: 'query'; readonly query: QueryCase };

describe('queries hide erased actors', () => {
  const { writers, query, event } = workloadArbitraries({ slotMs: HOUR, actors: 6, maxText: 20, maxBatch: 30, maxLimit: 8 });
  const day = fc.integer({ min: 0, max: 2 }).map((d) => dayNumber(T0) + d);
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('erase' as const), actor: fc.integer({ min: 1, max: 7 }) }),
    fc.record({ kind: fc.constant('batch' as const), events: fc.array(event, { minLength: 1, maxLength: 10 }) }),
    fc.record({ kind: fc.constant('merge' as const), day }),
    fc.record({ kind: fc.constant('compact' as const), day }),
    fc.record({ kind: fc.constant('purge' as const), swept: fc.boolean() }),
    fc.record({ kind: fc.constant('query' as const), query }),
    fc.record({ kind: fc.constant('query' as const), query }),
  );

  it('answer the oracle minus erased events at every point of a schedule of batches, merges, compactions and purges, cursors issued before an erasure and counts included', async () => {
    await fc.assert(
      fc.asyncProperty(writers, fc.array(step, { minLength: 1, maxLength: 12 }), async (workload, steps) => {
        const { ctx, target, stored } = await seeded(workload);
        const keys = new ErasureKeys(ctx.layout);
        // Every query revalidates (maxAgeMs 0), so an erase need not wait before returning.
        const erasureStore = { s3: ctx.s3, bucket: ctx.bucket, keys, settleMs: 0 };
        const erasedActors = new ErasedActors(ctx.s3, ctx.bucket, keys, 0);
        const erased = new Set<number>();
        const issued: { query: QueryCase; next: string }[] = [];
        const page = (q: QueryCase, cursor?: string) => visiblePage(ctx, erasedActors, q, cursor);
        for (const s of steps) {
          if (s.kind === 'erase') {
            await eraseActor(erasureStore, { actor: s.actor, principal: 'tester', now: LATER });
            erased.add(s.actor);
          } else if (s.kind === 'batch') {
            stored.push(...(await seedWriter(target, 'shardId-000000000009', [s.events], { at: LATER })).stored);
          } else if (s.kind === 'merge') {
            await mergeDay(ctx, s.day, { fanIn: 2 });
          } else if (s.kind === 'compact') {
            // As the compactor does: a day compacted after an erasure drops the erased actors' events.
            await compactDay(ctx, s.day, { now: LATER, ...(erased.size > 0 ? { keep: erasureFilter(erased) } : {}) });
          } else if (s.kind === 'purge') {
            // Replaced objects stay (a grace period not over yet) or go (over: compacted chunks, tier/ and old generations).
            const graceMs = s.swept ? 0 : DAY_MS;
            await runPurge(ctx, erasureStore, await readErasedSet(erasureStore), { now: LATER, graceMs });
          } else {
            const first = await page(s.query);
            expect(first.events.length).toBeLessThanOrEqual(s.query.limit);
            const counted = { actors: s.query.actors, from: s.query.from, to: s.query.to, buckets: 3 };
            const counts = await runCounts(ctx, counted, undefined, await erasedActors.hidden());
            expect(counts.counts).toEqual(expectedCounts(stored, counted, erased));
            if (first.next) issued.push({ query: s.query, next: first.next });
          }
          // Every query so far answers what the oracle keeps visible now, and every cursor issued so far the
          // visible events that sort after it (a batch may since have added events before it, which it skips).
          for (const { query: q, next } of issued) {
            const expected = expectedVisibleEvents(stored, q, erased);
            const order = orderOf(q.from > q.to);
            const after = decodeCursor(next).after;
            const rest = expected.filter(({ position }) => order(position, after) > 0).map((e) => e.event);
            expect(await all(page, q, next)).toEqual(rest);
            expect(await all(page, q)).toEqual(expected.map((e) => e.event));
          }
        }
      }),
      { numRuns: 50 },
    );
  }, 300_000);
});

async function visiblePage(ctx: QueryContext, erased: ErasedActors, q: QueryCase, cursor?: string) {
  return queryPage(ctx, q, cursor, { hidden: erased.hidden() });
}

async function all(
  page: typeof visiblePage extends (ctx: never, e: never, ...rest: infer R) => infer P ? (...args: R) => P : never,
  q: QueryCase,
  cursor?: string,
) {
  const events: TalesEvent[] = [];
  let next = cursor;
  do {
    const result = await page(q, next);
    expect(result.events.length).toBeLessThanOrEqual(q.limit);
    events.push(...result.events);
    next = result.next;
  } while (next);
  return events;
}
