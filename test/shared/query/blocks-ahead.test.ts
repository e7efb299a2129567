import { describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayName, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, type QueryContextOptions } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { MemoryS3 } from '../../support/memory-s3';
import { expectedEvents } from '../../support/query-oracle';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const DAYS = 4;
const RARE = 2;
/** How long the first day's block reads are held back at most: the test fails (not hangs) when no later day's come meanwhile. */
const HOLD_MS = 3000;

/** Four compacted days of 120 events; the rare actor in two events a day, in blocks far apart. */
async function compactedDays() {
  const store = new MemoryS3('ahead');
  const target = { s3: store.client(), bucket: store.bucket, layout: new KeyLayout('ahead/'), zstd: await loadZstd() };
  const stored: StoredEvent[] = [];
  for (let d = 0; d < DAYS; d++) {
    const events: TalesEvent[] = Array.from({ length: 120 }, (_, i) => ({
      time: T0 + d * DAY_MS + i * 600_000,
      actors: i % 60 === 7 ? [1, RARE] : [1],
      text: `day ${d} event ${i}, with words enough to fill several small blocks`,
    }));
    stored.push(...(await seedWriter(target, 'shardId-000000000000', [events])).stored);
    await compactDay(target, dayNumber(T0) + d, { now: T0 + (d + 3) * DAY_MS, blockSize: 1024 });
  }
  return { store, target, stored };
}

const blocksOfDay = (key: string) => /\/([0-9-]{10})\/compact\/[0-9a-f]+\.blocks$/.exec(key)?.[1];

/**
 * A client of `store` that notes every GET's key and can hold back the reads of one day's blocks until
 * a GET that `until` names is sent (or HOLD_MS passed); `sentWhileHeld` says whether that GET came while
 * reads were held.
 */
function watchedClient(store: MemoryS3, hold?: { day: string; until: (key: string) => boolean }) {
  const s3 = store.client();
  const gets: string[] = [];
  const watch = { gets, held: 0, sentWhileHeld: false };
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (context.commandName === 'GetObjectCommand') gets.push(key);
      if (hold?.until(key)) {
        watch.sentWhileHeld ||= watch.held > 0;
        release();
      }
      if (hold && blocksOfDay(key) === hold.day) {
        watch.held++;
        await Promise.race([released, new Promise((resolve) => setTimeout(resolve, HOLD_MS))]);
        watch.held--;
      }
      return next(args);
    },
    { step: 'initialize', name: 'watchGets' },
  );
  return { s3, watch };
}

describe('blocks of days the page surely takes', () => {
  it('are read while the merge still waits on the days before them', async () => {
    const { store, target, stored } = await compactedDays();
    const [first, , third] = [0, 1, 2].map((d) => dayName(dayNumber(T0) + d));
    const { s3, watch } = watchedClient(store, { day: first as string, until: (key) => blocksOfDay(key) === third });
    const ctx = createQueryContext({ ...target, s3, now: () => T0 + 10 * DAY_MS });
    const q = { actors: [RARE], from: T0, to: T0 + DAYS * DAY_MS - 1, limit: 50 };
    const result = await runQuery(ctx, q);
    expect(result.events).toEqual(expectedEvents(stored, q).map((s) => s.event));
    // The third day's blocks were asked for while the first day's were held back; each block range once.
    expect(watch.sentWhileHeld).toBe(true);
    expect(result.stats.blocks).toBe(watch.gets.filter((key) => blocksOfDay(key)).length);
    expect(ctx.inflight.size).toBe(0);
  });

  it('are not read ahead past the days that fill the page, nor with no cache to keep them', async () => {
    const { store, target, stored } = await compactedDays();
    const run = async (options: Partial<QueryContextOptions>, limit: number) => {
      const { s3, watch } = watchedClient(store);
      const ctx = createQueryContext({ ...target, s3, now: () => T0 + 10 * DAY_MS, ...options });
      const q = { actors: [RARE], from: T0, to: T0 + DAYS * DAY_MS - 1, limit };
      const result = await runQuery(ctx, q);
      expect(result.events).toEqual(
        expectedEvents(stored, q)
          .slice(0, limit)
          .map((s) => s.event),
      );
      return new Set(watch.gets.flatMap((key) => blocksOfDay(key) ?? []));
    };
    // Two hits a day: a page of 3 (4 wanted, to know a next page exists) takes the first two days only.
    expect(await run({}, 3)).toEqual(new Set([0, 1].map((d) => dayName(dayNumber(T0) + d))));
    expect((await run({ cacheBytes: 0 }, 50)).size).toBe(DAYS);
  });
});
