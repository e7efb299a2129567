import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { mergeDay } from '../../../shared/tier/merge-day';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const WRITERS = ['shardId-000000000000', 'shardId-000000000001'];
/** How long a writer manifest GET is held back at most: the test fails (not hangs) when no segment head comes meanwhile. */
const HOLD_MS = 3000;

/** An open day of two writers, eight chunks each, folded by the merger into segments (fan-in 2). */
async function openDayWithSegments() {
  const store = new MemoryS3('segments');
  const target = { s3: store.client(), bucket: store.bucket, layout: new KeyLayout('seg/'), zstd: await loadZstd() };
  const stored: StoredEvent[] = [];
  for (const [w, writer] of WRITERS.entries()) {
    const batches: TalesEvent[][] = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) => ({
        time: T0 + (b * 10 + i) * 60_000 + w,
        actors: [1, 2 + (i % 3)],
        text: `${writer} ${b}.${i}`,
      })),
    );
    stored.push(...(await seedWriter(target, writer, batches)).stored);
  }
  await mergeDay(target, dayNumber(T0), { fanIn: 2, now: T0 + 2 * 3_600_000 });
  return { store, target, stored };
}

describe("an open day's merged segments", () => {
  it("are opened beside its writers' manifests, not after them: the query is a round trip shorter", async () => {
    const { store, target, stored } = await openDayWithSegments();
    const s3 = store.client();
    const heads: string[] = [];
    let manifestsAnswered = 0;
    let answeredBeforeFirstHead: number | undefined;
    let segmentHeadSent: () => void = () => undefined;
    const segmentHead = new Promise<void>((resolve) => {
      segmentHeadSent = resolve;
    });
    // Writer manifests are held back until a segment's head has been asked for (or HOLD_MS passed).
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: string }).Key ?? '';
        if (context.commandName !== 'GetObjectCommand') return next(args);
        if (/\/tier\/[0-9a-f]+\.index\.tale$/.test(key)) {
          heads.push(key);
          answeredBeforeFirstHead ??= manifestsAnswered;
          segmentHeadSent();
        }
        if (!/\/w\/[^/]+\/manifest\.json$/.test(key)) return next(args);
        await Promise.race([segmentHead, new Promise((resolve) => setTimeout(resolve, HOLD_MS))]);
        const answer = await next(args);
        manifestsAnswered++;
        return answer;
      },
      { step: 'initialize', name: 'holdManifests' },
    );
    const ctx = createQueryContext({ ...target, s3, now: () => T0 + 3 * 3_600_000 });
    const q = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 30 };
    const result = await runQuery(ctx, q);
    expect(result.events).toEqual(
      expectedEvents(stored, q)
        .slice(0, 30)
        .map((s) => s.event),
    );
    expect(heads.length).toBeGreaterThan(0);
    expect(answeredBeforeFirstHead).toBe(0);
    expect(manifestsAnswered).toBe(WRITERS.length);
    // Each segment's head is read once, though both the early opening and the pruning open it.
    expect(new Set(heads).size).toBe(heads.length);
    expect(result.stats.heads).toBe(heads.length);
  });
});
