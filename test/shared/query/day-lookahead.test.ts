import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContextOptions } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { MemoryS3, type RequestTrace } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const DAYS = 6;
const HOT = 1;
const RARE = 2;
/** Long enough that requests issued together overlap whatever the machine's load. */
const FIRST_BYTE_MS = 50;

/** Six compacted days; the hot actor in every event, the rare one in two events a day. */
async function seedDays() {
  const seeding = new MemoryS3('lookahead');
  const target = { s3: seeding.client(), bucket: seeding.bucket, layout: new KeyLayout('look/'), zstd: await loadZstd() };
  const stored: StoredEvent[] = [];
  for (let d = 0; d < DAYS; d++) {
    const events: TalesEvent[] = Array.from({ length: 120 }, (_, i) => ({
      time: T0 + d * DAY_MS + i * 600_000,
      actors: i % 60 === 7 ? [HOT, RARE] : [HOT],
      text: `day ${d} event ${i}`,
    }));
    stored.push(...(await seedWriter(target, 'shardId-000000000000', [events])).stored);
    await compactDay(target, dayNumber(T0) + d, { now: T0 + (d + 3) * DAY_MS });
  }
  // Queries see the same objects through a store that makes each request wait.
  const trace: RequestTrace[] = [];
  const store = new MemoryS3('lookahead', { firstByteMs: FIRST_BYTE_MS, onRequest: (request) => trace.push(request) });
  for (const [key, object] of seeding.objects) store.objects.set(key, object);
  const s3 = store.client();
  const ctx = (options: Partial<QueryContextOptions> = {}) =>
    createQueryContext({ ...target, s3, now: () => T0 + 10 * DAY_MS, ...options });
  return { trace, stored, ctx };
}

/** The most requests whose key matches `pattern` that were in flight at one moment. */
function mostAtOnce(trace: readonly RequestTrace[], pattern: RegExp): number {
  const matching = trace.filter((request) => pattern.test(request.key));
  return Math.max(
    0,
    ...matching.map((one) => matching.filter((other) => other.started <= one.started && other.ended > one.started).length),
  );
}

describe('reading days ahead of need', () => {
  it('reads the metadata and heads of the days after the first together once the first cannot fill the page', async () => {
    const { trace, stored, ctx } = await seedDays();
    const q = { actors: [RARE], from: T0, to: T0 + DAYS * DAY_MS - 1, limit: 50 };
    trace.length = 0;
    const result = await runQuery(ctx(), q);
    expect(result.events).toEqual(expectedEvents(stored, q).map((s) => s.event));
    // Compacted after they closed and marked by no late chunk, the days need no list and no writer manifest.
    expect(result.stats.toJSON()).toMatchObject({ compactMetas: DAYS, lateMarkers: DAYS, heads: DAYS, lists: 0, manifests: 0 });
    // The first day alone, then the five others at once: their metadata, then their heads, overlap.
    expect(mostAtOnce(trace, /compact\/meta\.json$/)).toBe(DAYS - 1);
    expect(mostAtOnce(trace, /\.index\.tale$/)).toBeGreaterThanOrEqual(DAYS - 1);
  });

  it('reads no other day when the first fills the page, in either direction', async () => {
    const { trace, stored, ctx } = await seedDays();
    for (const q of [
      { actors: [HOT], from: T0, to: T0 + DAYS * DAY_MS - 1, limit: 50 },
      { actors: [HOT], from: T0 + DAYS * DAY_MS - 1, to: T0, limit: 50 },
    ]) {
      trace.length = 0;
      const result = await runQuery(ctx(), q);
      expect(result.events).toEqual(
        expectedEvents(stored, q)
          .slice(0, 50)
          .map((s) => s.event),
      );
      expect(result.stats.compactMetas).toBe(1);
      expect(result.stats.lists).toBe(0);
      expect(new Set(trace.filter((request) => request.key !== '').map((request) => request.key.split('/')[2]))).toHaveProperty('size', 1);
    }
  });

  it('reads days one at a time with lookaheadDays 1 beyond the first, the same rows', async () => {
    const { trace, stored, ctx } = await seedDays();
    const q = { actors: [RARE], from: T0 + DAYS * DAY_MS - 1, to: T0, limit: 50 };
    const narrow = ctx({ lookaheadDays: 1 });
    trace.length = 0;
    const result = await runQuery(narrow, q);
    expect(result.events).toEqual(expectedEvents(stored, q).map((s) => s.event));
    expect(mostAtOnce(trace, /compact\/meta\.json$/)).toBe(1);
  });
});
