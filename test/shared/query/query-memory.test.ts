import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { buildChunk } from '../../../shared/chunk/builder';
import { loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { chunkRecordOf, type Manifest } from '../../../shared/manifest/manifest';
import { encodeManifest } from '../../../shared/manifest/manifest-codec';
import { createQueryContext, type QueryContextOptions } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { MemoryS3 } from '../../support/memory-s3';
import { HOUR, queryPage, T0 } from '../../support/query-workload';
import { seedWriter } from '../../support/seed-chunks';

const DAY0 = dayNumber(T0);
const MiB = 1024 * 1024;

async function memoryStore(options: Partial<QueryContextOptions> = {}) {
  const store = new MemoryS3();
  const s3 = store.client();
  const layout = new KeyLayout('memory/');
  const zstd = await loadZstd();
  const ctx = createQueryContext({ s3, bucket: store.bucket, layout, zstd, ...options });
  return { store, s3, layout, zstd, ctx, target: { s3, bucket: store.bucket, layout, zstd } };
}

describe('day sources cache', () => {
  it('answers a warm query over closed days without listing a day or reading a manifest', async () => {
    const { store, ctx, target } = await memoryStore({ now: () => T0 + 30 * DAY_MS });
    await seedWriter(target, 'shardId-000000000000', [[0, 1, 2].map((d) => ({ time: T0 + d * DAY_MS, actors: [1], text: `d${d}` }))]);
    const query = { actors: [1, 2], from: T0, to: T0 + 3 * DAY_MS - 1, limit: 10 };
    expect((await runQuery(ctx, query)).stats.lists).toBe(3);
    store.resetCounts();
    const warm = await runQuery(ctx, query);
    expect(warm.events).toEqual([]);
    expect(warm.stats.toJSON()).toMatchObject({ requests: 0, lists: 0, manifests: 0, compactMetas: 0, dayCacheHits: 3 });
    expect(store.counts).toMatchObject({ gets: 0, lists: 0 });
  });

  it('reads an open day again once its short expiry has passed, and a closed day once its long one has', async () => {
    let now = T0 + 2 * HOUR;
    const { ctx, target } = await memoryStore({ now: () => now, dayTtlMs: { open: 5_000, closed: 600_000 } });
    const write = (writer: string, text: string) => seedWriter(target, writer, [[{ time: T0 + HOUR, actors: [1], text }]]);
    await write('shardId-000000000000', 'first');
    const query = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 10 };
    const texts = async () => (await runQuery(ctx, query)).events.map((event) => event.text);
    expect(await texts()).toEqual(['first']);
    await write('shardId-000000000001', 'second');
    now += 4_999;
    expect(await texts()).toEqual(['first']);
    now += 1;
    expect(await texts()).toEqual(['first', 'second']);
    // Two days later the day is closed: kept for the closed expiry, then read again.
    now = T0 + 3 * DAY_MS;
    expect(await texts()).toEqual(['first', 'second']);
    await write('shardId-000000000002', 'late');
    now += 599_999;
    expect(await texts()).toEqual(['first', 'second']);
    now += 1;
    expect(await texts()).toEqual(['first', 'second', 'late']);
  });
});

describe('paging', () => {
  it('pages of 77 cost no more GETs, and at most 1.2× the bytes, of one unbounded call: pages resume in cached and read-ahead blocks', async () => {
    const { store, ctx, target } = await memoryStore({ maxGap: 0 });
    const events: TalesEvent[] = Array.from({ length: 3000 }, (_, i) => ({
      time: T0 + i * 1000,
      actors: i % 3 === 0 ? [1, 2] : [1],
      text: `event ${i} of a day long enough to span many blocks`,
    }));
    await seedWriter({ ...target, chunkOptions: { blockSize: 4096 } }, 'shardId-000000000000', [events.slice(0, 1500), events.slice(1500)]);
    const query = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 100_000 };
    store.resetCounts();
    const whole = await runQuery(ctx, query);
    const unbounded = store.resetCounts();
    expect(whole.events).toHaveLength(3000);
    const paged: TalesEvent[] = [];
    let next: string | undefined;
    do {
      const page = await queryPage(ctx, { ...query, limit: 77 }, next);
      paged.push(...page.events);
      next = page.next;
    } while (next);
    const pages = store.resetCounts();
    expect(paged).toEqual(whole.events);
    // Heads and bitmaps were cached by the unbounded call; pages add no list, manifest or head read.
    expect(pages.gets).toBeLessThanOrEqual(unbounded.gets);
    expect(pages.bytesOut).toBeLessThanOrEqual(unbounded.bytesOut * 1.2);
    expect(ctx.cache.bytes).toBeLessThanOrEqual(ctx.cache.maxBytes);
  });
});

/** The attack: 10,000-event batches, 32 random actors per event: heads of about 1.44 MB, ~320,000 actors each. */
function hostileBatch(seed: number): TalesEvent[] {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state;
  };
  return Array.from({ length: 10_000 }, (_, i) => ({
    time: T0 + i * 1000,
    actors: [...new Set(Array.from({ length: 32 }, random))],
    text: `x${i}`,
  }));
}

/** A full collection, then a pause for V8 to free array buffers' memory, which it does off the main thread. */
function garbageCollector(): () => Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
  };
}

describe('query memory', () => {
  it('holds the cached bytes under the cap over 40 hostile chunks, and the heap with them', async () => {
    const cap = 16 * MiB;
    const { store, ctx, zstd, layout } = await memoryStore({ cacheBytes: cap });
    const built = buildChunk(hostileBatch(7), zstd);
    expect(built.headSize).toBeGreaterThan(MiB);
    const writer = 'shardId-000000000000';
    const chunks = Array.from({ length: 40 }, (_, seq) => {
      const key = layout.chunkKey(DAY0, writer, seq);
      store.put(key, built.bytes);
      const etag = store.objects.get(key)?.etag ?? '';
      return chunkRecordOf(built, seq, etag, String(seq + 1), String(seq + 1));
    });
    const manifest: Manifest = { writer, day: DAY0, chunks };
    store.put(layout.manifestKey(DAY0, writer), encodeManifest(manifest));

    const collect = garbageCollector();
    await collect();
    const before = process.memoryUsage();
    const result = await runQuery(ctx, { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 100 });
    await collect();
    const after = process.memoryUsage();

    expect(result.events).toEqual([]);
    expect(result.stats.heads).toBe(40);
    expect(ctx.cache.bytes).toBeGreaterThan(0);
    expect(ctx.cache.bytes).toBeLessThanOrEqual(cap);
    // Each head holds several MB once parsed: 40 of them unbounded would keep well over 150 MB.
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(cap + 48 * MiB);
  }, 120_000);
});
