import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/aws/s3-client';
import type { BlockEntry } from '../../../shared/chunk/directory';
import { openChunk } from '../../../shared/chunk/reader';
import { memorySource } from '../../../shared/chunk/source';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { KeyLayout } from '../../../shared/layout/keys';
import { createQueryContext } from '../../../shared/query/context';
import { runQuery } from '../../../shared/query/run-query';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { seedWriter } from '../../support/seed-chunks';

const T0 = Date.UTC(2026, 6, 1);
const DAY_END = T0 + 86_400_000 - 1;
const RARE = 7;
const SMALL = 8;
const HOT = 1;
const ABSENT = 99;

/** Writer 0: chunk 0 (2,000 events, one per second), chunk 1 (500 later ones); writer 1: one chunk overlapping chunk 0. */
function layoutEvents(): { w0: TalesEvent[][]; w1: TalesEvent[][] } {
  const chunk0 = Array.from({ length: 2000 }, (_, i) => {
    const actors = [HOT, 1000 + (i % 50)];
    if (i === 100 || i === 900 || i === 1500) actors.push(RARE);
    if (i >= 200 && i < 240) actors.push(SMALL);
    return { time: T0 + i * 1000, actors, text: `event ${i} of chunk zero, padded to a realistic length` };
  });
  const chunk1 = Array.from({ length: 500 }, (_, i) => ({
    time: T0 + 2_000_000 + i * 1000,
    actors: [HOT, 2000 + (i % 9)],
    text: `late ${i}`,
  }));
  const other = Array.from({ length: 300 }, (_, i) => ({
    time: T0 + 500_000 + i * 3000,
    actors: [HOT, 3000 + (i % 5)],
    text: `other ${i}`,
  }));
  return { w0: [chunk0, chunk1], w1: [other] };
}

describe('what a query reads (known layout, s3rver)', () => {
  let local: LocalS3;
  let zstd: BlockCompressor;
  let chunk0Key: string;
  const layout = new KeyLayout('costs/');
  /** Every request the query's client sends, by command name: counted independently of the query's own stats. */
  const sent: string[] = [];
  let s3: ReturnType<typeof createS3Client>;

  beforeAll(async () => {
    [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
    const target = { s3: local.s3, bucket: local.bucket, layout, zstd, chunkOptions: { blockSize: 4096, inlineMax: 16 } };
    const { w0, w1 } = layoutEvents();
    chunk0Key = (await seedWriter(target, 'shardId-000000000000', w0)).keys[0] as string;
    await seedWriter(target, 'shardId-000000000001', w1);
    s3 = createS3Client({ endpoint: local.endpoint });
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize' },
    );
  });
  afterAll(async () => {
    s3.destroy();
    await local.stop();
  });

  // Chunks are read by ranges here (head, bitmaps, blocks), the path of any chunk over wholeObjectBytes.
  const context = () => createQueryContext({ s3, bucket: local.bucket, layout, zstd, maxGap: 0, wholeObjectBytes: 0 });

  /** Blocks of chunk 0 holding the events at `indices` (the chunk's ordinals, since its times ascend). */
  async function blocksOf(indices: number[]): Promise<BlockEntry[]> {
    const response = await local.s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: chunk0Key }));
    const bytes = await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    const index = await openChunk(memorySource(chunk0Key, bytes), zstd);
    return [...new Set(indices.map((i) => index.directory.blockOf(i)))].map((b) => index.blocks[b] as BlockEntry);
  }

  it('a rare actor (inline postings) reads the manifests, every head, no bitmap and only its three blocks', async () => {
    const blocks = await blocksOf([100, 900, 1500]);
    expect(blocks).toHaveLength(3);
    sent.length = 0;
    const ctx = context();
    const result = await runQuery(ctx, { actors: [RARE], from: T0, to: DAY_END, limit: 100 });
    expect(result.events.map((e) => e.time)).toEqual([T0 + 100_000, T0 + 900_000, T0 + 1_500_000]);
    expect(result.stats.toJSON()).toMatchObject({
      lists: 1,
      manifests: 2,
      heads: 3,
      headCacheHits: 0,
      bitmaps: 0,
      blocks: 3,
      blockBytes: blocks.reduce((sum, block) => sum + block.size, 0),
    });
    expect(sent).toHaveLength(result.stats.requests);
    expect(sent.filter((name) => name === 'ListObjectsV2Command')).toHaveLength(1);

    // The second time, all three heads and the three blocks come from the cache.
    sent.length = 0;
    const again = await runQuery(ctx, { actors: [RARE], from: T0, to: DAY_END, limit: 100 });
    expect(again.events).toEqual(result.events);
    expect(again.stats.toJSON()).toMatchObject({ heads: 0, headCacheHits: 3, bitmaps: 0, blocks: 0 });
    expect(sent).toHaveLength(again.stats.requests);
  });

  it('an actor with a bitmap reads it once, then only the blocks of its 40 events, neighbours in one ranged GET', async () => {
    const blocks = await blocksOf(Array.from({ length: 40 }, (_, i) => 200 + i));
    expect(blocks).toHaveLength(2);
    const ctx = context();
    const result = await runQuery(ctx, { actors: [SMALL], from: T0, to: DAY_END, limit: 100 });
    expect(result.events).toHaveLength(40);
    expect(result.stats.toJSON()).toMatchObject({ heads: 3, bitmaps: 1, bitmapCacheHits: 0, blocks: 1 });
    expect(result.stats.blockBytes).toBe(blocks.reduce((sum, block) => sum + block.size, 0));
    // Bitmaps and blocks are immutable like heads: the second time they come from the cache.
    const again = await runQuery(ctx, { actors: [SMALL], from: T0, to: DAY_END, limit: 100 });
    expect(again.events).toEqual(result.events);
    expect(again.stats.toJSON()).toMatchObject({ heads: 0, bitmaps: 0, bitmapCacheHits: 1, blocks: 0 });
  });

  it('chunks no larger than wholeObjectBytes are read whole: head, bitmap and blocks in one GET each, the same rows', async () => {
    const q = { actors: [SMALL], from: T0, to: DAY_END, limit: 100 };
    const ranged = await runQuery(context(), q);
    sent.length = 0;
    const ctx = createQueryContext({ s3, bucket: local.bucket, layout, zstd, maxGap: 0, wholeObjectBytes: 1 << 20 });
    const whole = await runQuery(ctx, q);
    expect(whole.events).toEqual(ranged.events);
    // The three chunks, each in one GET (counted as its head); no ranged read of a bitmap or a block.
    expect(whole.stats.toJSON()).toMatchObject({ lists: 1, manifests: 2, heads: 3, bitmaps: 0, blocks: 0 });
    expect(sent.filter((name) => name === 'GetObjectCommand')).toHaveLength(whole.stats.requests - whole.stats.lists);
    // Kept whole in the cache: the next query reads no chunk again.
    const again = await runQuery(ctx, q);
    expect(again.events).toEqual(ranged.events);
    expect(again.stats.toJSON()).toMatchObject({ heads: 0, bitmaps: 0, blocks: 0 });
  });

  it('an absent actor reads no bitmap and no block', async () => {
    sent.length = 0;
    const result = await runQuery(context(), { actors: [ABSENT], from: T0, to: DAY_END, limit: 100 });
    expect(result.events).toEqual([]);
    expect(result.stats.toJSON()).toMatchObject({
      lists: 1,
      compactMetas: 1,
      tierManifests: 1,
      lateMarkers: 1,
      manifests: 2,
      heads: 3,
      bitmaps: 0,
      blocks: 0,
      blockBytes: 0,
    });
    expect(sent).toHaveLength(1 + 1 + 1 + 1 + 2 + 3);
  });

  it('an AND with an absent actor reads nothing past the heads, though the other actor is everywhere', async () => {
    const result = await runQuery(context(), { actors: [HOT, ABSENT], from: T0, to: DAY_END, limit: 100 });
    expect(result.events).toEqual([]);
    expect(result.stats.toJSON()).toMatchObject({ bitmaps: 0, blocks: 0 });
  });

  it('the newest 3 of an actor in every event open only the newest chunk and read one block', async () => {
    const result = await runQuery(context(), { actors: [HOT], from: DAY_END, to: T0, limit: 3 });
    expect(result.events.map((e) => e.text)).toEqual(['late 499', 'late 498', 'late 497']);
    expect(result.resumeAfter).toBeDefined();
    expect(result.stats.toJSON()).toMatchObject({ lists: 1, manifests: 2, heads: 1, bitmaps: 1, blocks: 1 });
  });

  it('the oldest 3 read one block; an overlapping chunk whose hits surely come later reads none', async () => {
    const result = await runQuery(context(), { actors: [HOT], from: T0, to: DAY_END, limit: 3 });
    expect(result.events.map((e) => e.text)).toEqual([0, 1, 2].map((i) => `event ${i} of chunk zero, padded to a realistic length`));
    // Chunk 0 and writer 1's chunk overlap in time, so both are opened; chunk 1 starts later and is not.
    expect(result.stats.toJSON()).toMatchObject({ heads: 2, bitmaps: 2, blocks: 1 });
  });

  it('a window inside one chunk opens only the chunks it overlaps', async () => {
    const result = await runQuery(context(), { actors: [HOT], from: T0 + 2_100_000, to: T0 + 2_105_000, limit: 100 });
    expect(result.events.map((e) => e.text)).toEqual(['late 100', 'late 101', 'late 102', 'late 103', 'late 104', 'late 105']);
    expect(result.stats.toJSON()).toMatchObject({ heads: 1, bitmaps: 1, blocks: 1 });
  });
});
