import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { compactDay } from '../../../shared/compact/compact-day';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext, DECODED_BLOCKS_SHARE, type QueryContextOptions } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { MemoryS3 } from '../../support/memory-s3';
import { T0 } from '../../support/query-workload';
import { seedWriter } from '../../support/seed-chunks';

const DAY0 = dayNumber(T0);
const LATER = T0 + 10 * DAY_MS;

/** The codec, counting its decompressions: each decoded block costs one (a re-encoded day's, three). */
function countingZstd(zstd: BlockCompressor) {
  const counted = {
    decompressions: 0,
    compress: zstd.compress,
    decompress(data: Uint8Array, rawSize: number, dictionary?: Uint8Array) {
      counted.decompressions++;
      return zstd.decompress(data, rawSize, dictionary);
    },
  };
  return counted;
}

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

/** 600 events over one day, actor 1 in every third, in blocks of 1 KiB (dozens of blocks). */
async function seeded(options: Partial<QueryContextOptions> = {}) {
  const store = new MemoryS3();
  const s3 = store.client();
  const layout = new KeyLayout('decoded/');
  const events: TalesEvent[] = Array.from({ length: 600 }, (_, i) => ({
    time: T0 + i * 60_000,
    actors: i % 3 === 0 ? [1, 2] : [2],
    text: `event ${i}, long enough that a 1 KiB block holds a few dozen`,
  }));
  const target = { s3, bucket: store.bucket, layout, zstd, chunkOptions: { blockSize: 1024, inlineMax: 4 } };
  await seedWriter(target, 'shardId-000000000000', [events.slice(0, 300), events.slice(300)]);
  const counted = countingZstd(zstd);
  const ctx = createQueryContext({ s3, bucket: store.bucket, layout, zstd: counted, now: () => LATER, ...options });
  const expected = events.filter((event) => event.actors.includes(1));
  return { store, ctx, counted, expected, target };
}

const ALL_OF_ACTOR_1 = { actors: [1], from: T0, to: T0 + DAY_MS - 1, limit: 1000 };

describe('decoded blocks', () => {
  it('stay decoded between queries: a warm query decompresses nothing and answers the same rows', async () => {
    const { ctx, counted, expected } = await seeded();
    const cold = await runQuery(ctx, ALL_OF_ACTOR_1);
    expect(cold.events).toEqual(expected);
    expect(counted.decompressions).toBeGreaterThan(10);
    counted.decompressions = 0;
    const warm = await runQuery(ctx, ALL_OF_ACTOR_1);
    expect(warm.events).toEqual(expected);
    expect(counted.decompressions).toBe(0);
    expect(warm.stats.requests).toBe(0);
  });

  it("stay decoded in a re-encoded day too: its blocks' three frames and actor columns are not decompressed again", async () => {
    const { ctx, counted, expected, target } = await seeded();
    await compactDay(target, DAY0, { now: LATER, blockSize: 1024 });
    expect((await runQuery(ctx, ALL_OF_ACTOR_1)).events).toEqual(expected);
    counted.decompressions = 0;
    expect((await runQuery(ctx, ALL_OF_ACTOR_1)).events).toEqual(expected);
    expect(counted.decompressions).toBe(0);
  });

  it('keep within their share of cacheBytes, least recently used out: a warm query then decodes again what was evicted', async () => {
    const cacheBytes = 64 * 1024;
    const { ctx, counted, expected } = await seeded({ cacheBytes });
    expect(ctx.decoded.maxBytes).toBe(cacheBytes * DECODED_BLOCKS_SHARE);
    expect(ctx.cache.maxBytes).toBe(cacheBytes * (1 - DECODED_BLOCKS_SHARE));
    expect((await runQuery(ctx, ALL_OF_ACTOR_1)).events).toEqual(expected);
    const cold = counted.decompressions;
    expect(ctx.decoded.bytes).toBeGreaterThan(0);
    expect(ctx.decoded.bytes).toBeLessThanOrEqual(ctx.decoded.maxBytes);
    counted.decompressions = 0;
    expect((await runQuery(ctx, ALL_OF_ACTOR_1)).events).toEqual(expected);
    expect(counted.decompressions).toBeGreaterThan(0);
    expect(counted.decompressions).toBeLessThanOrEqual(cold);
  });

  it('are not kept with cacheBytes 0', async () => {
    const { ctx, counted, expected } = await seeded({ cacheBytes: 0 });
    expect((await runQuery(ctx, ALL_OF_ACTOR_1)).events).toEqual(expected);
    const cold = counted.decompressions;
    counted.decompressions = 0;
    expect((await runQuery(ctx, ALL_OF_ACTOR_1)).events).toEqual(expected);
    expect(counted.decompressions).toBe(cold);
  });

  it('refuses a cacheBytes that is not a non-negative integer', async () => {
    await expect(seeded({ cacheBytes: -1 })).rejects.toThrow('cacheBytes must be a non-negative integer (given -1)');
    await expect(seeded({ cacheBytes: 1.5 })).rejects.toThrow('cacheBytes must be a non-negative integer (given 1.5)');
  });
});
