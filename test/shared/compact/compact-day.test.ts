import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadZstd } from '../../../shared/codec/zstd';
import { type CompactContext, compactDay } from '../../../shared/compact/compact-day';
import { readCompactMeta } from '../../../shared/compact/read-meta';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { encodeManifest } from '../../../shared/manifest/manifest';
import { readManifest } from '../../../shared/manifest/read-manifest';
import { faultyS3, InjectedFault } from '../../support/faulty-s3';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';
import { readCompacted } from './read-compacted';

const DAY = 20_635; // 2026-07-01
const START = DAY * DAY_MS;
const ACTORS = [1, 2, 3, 4, 5, 6, 7, 8];
const AFTER_CLOSE = (DAY + 3) * DAY_MS;
/** Small parts so a test day exercises multipart joins; s3rver does not enforce S3's 5 MiB minimum. */
const OPTIONS = { now: AFTER_CLOSE, serverSideCopy: false, minPartBytes: 2048 } as const;

const eventArb = fc.record({
  time: fc.integer({ min: START, max: START + DAY_MS - 1 }),
  actors: fc.uniqueArray(fc.constantFrom(...ACTORS), { minLength: 1, maxLength: 3 }),
  text: fc.string({ maxLength: 40 }),
});
/** Writers, each a list of batches. */
const dayArb = fc.array(fc.array(fc.array(eventArb, { minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 3,
});

let local: LocalS3;
let prefixes = 0;

beforeAll(async () => {
  local = await startLocalS3();
});
afterAll(async () => {
  await local.stop();
});

async function seedDay(writers: readonly (readonly TalesEvent[][])[]) {
  const layout = new KeyLayout(`p${prefixes++}/`);
  const ctx: CompactContext = { s3: local.s3, bucket: local.bucket, layout, zstd: await loadZstd() };
  const stored: StoredEvent[] = [];
  const keys: string[] = [];
  for (const [w, batches] of writers.entries()) {
    const seeded = await seedWriter({ ...ctx, chunkOptions: { blockSize: 1024, inlineMax: 2 } }, `shardId-00000000000${w}`, batches);
    stored.push(...seeded.stored);
    keys.push(...seeded.keys);
  }
  return { ctx, stored, keys };
}

/** The stored events naming all of `actors`, in the order a compacted day yields them: by source, then ordinal. */
function bySource(stored: readonly StoredEvent[], actors: readonly number[]): StoredEvent[] {
  return stored
    .filter(({ event }) => actors.every((actor) => event.actors.includes(actor)))
    .sort((a, b) =>
      a.position.writer < b.position.writer
        ? -1
        : a.position.writer > b.position.writer
          ? 1
          : a.position.seq - b.position.seq || a.position.ordinal - b.position.ordinal,
    );
}

describe('compactDay', () => {
  it('merges every writer chunk of a day: each actor and pair reads back exactly what was stored', async () => {
    await fc.assert(
      fc.asyncProperty(dayArb, async (writers) => {
        const { ctx, stored } = await seedDay(writers);
        const outcome = await compactDay(ctx, DAY, OPTIONS);
        expect(outcome.status).toBe('compacted');
        const meta = await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY);
        if (!meta) throw new Error('no metadata');
        expect(meta.sources.reduce((n, s) => n + s.entries, 0)).toBe(stored.length);
        for (const actors of [...ACTORS.map((a) => [a]), [1, 2], [3, 4, 5]]) {
          expect(await readCompacted(ctx, meta, actors)).toEqual(bySource(stored, actors));
        }
      }),
      { numRuns: 8 },
    );
  });

  it('is a no-op on a compacted day, and waits for a day to close unless forced', async () => {
    const { ctx } = await seedDay([[[{ time: START + 5, actors: [1], text: 'a' }]]]);
    expect((await compactDay(ctx, DAY, { ...OPTIONS, now: START + DAY_MS })).status).toBe('not-closed');
    expect((await compactDay(ctx, DAY, OPTIONS)).status).toBe('compacted');
    expect((await compactDay(ctx, DAY, OPTIONS)).status).toBe('already-compacted');
    expect((await compactDay(ctx, DAY - 1, OPTIONS)).status).toBe('empty');
    const { ctx: open } = await seedDay([[[{ time: START + 5, actors: [1], text: 'a' }]]]);
    expect((await compactDay(open, DAY, { ...OPTIONS, now: START + DAY_MS, force: true })).status).toBe('compacted');
  });

  it('recovers from a crash at every S3 call: the retry commits the same generation with every event', async () => {
    const writers = [
      [
        [
          { time: START + 10, actors: [1, 2], text: 'one' },
          { time: START + 20, actors: [2], text: 'two' },
        ],
        [{ time: START + 15, actors: [1], text: 'three' }],
      ],
      [[{ time: START + 12, actors: [1, 3], text: 'four' }]],
    ];
    const reference = await seedDay(writers);
    const done = await compactDay(reference.ctx, DAY, OPTIONS);
    if (done.status !== 'compacted') throw new Error(done.status);
    const faulty = faultyS3(local.endpoint);
    for (let call = 1; ; call++) {
      const { ctx, stored } = await seedDay(writers);
      faulty.arm({ call, lost: 'request', crash: true });
      const crashed = await compactDay({ ...ctx, s3: faulty.s3 }, DAY, OPTIONS).then(
        () => false,
        (error) => {
          expect(error).toBeInstanceOf(InjectedFault);
          return true;
        },
      );
      if (!crashed) break;
      expect(await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY)).toBeUndefined();
      faulty.arm();
      const retry = await compactDay(ctx, DAY, OPTIONS);
      if (retry.status !== 'compacted') throw new Error(retry.status);
      expect(retry.meta.generation).toBe(done.meta.generation);
      expect(await readCompacted(ctx, retry.meta, [1])).toEqual(bySource(stored, [1]));
    }
  });

  it('fails with the key of a missing source chunk and commits nothing', async () => {
    const { ctx, keys } = await seedDay([[[{ time: START + 1, actors: [1], text: 'a' }], [{ time: START + 2, actors: [1], text: 'b' }]]]);
    await local.s3.send(new DeleteObjectCommand({ Bucket: local.bucket, Key: keys[1] }));
    await expect(compactDay(ctx, DAY, OPTIONS)).rejects.toThrow(`${keys[1]}: source chunk is missing`);
    expect(await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY)).toBeUndefined();
  });

  it('fails with the key of a source chunk that disagrees with its manifest entry, and commits nothing', async () => {
    const { ctx, keys } = await seedDay([[[{ time: START + 1, actors: [1], text: 'a' }]]]);
    const manifestKey = ctx.layout.manifestKey(DAY, 'shardId-000000000000');
    const manifest = await readManifest(local.s3, local.bucket, manifestKey, 'shardId-000000000000', DAY);
    if (!manifest) throw new Error('no manifest');
    const wrong = { ...manifest, chunks: manifest.chunks.map((chunk) => ({ ...chunk, entries: chunk.entries + 1 })) };
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: manifestKey, Body: encodeManifest(wrong) }));
    await expect(compactDay(ctx, DAY, OPTIONS)).rejects.toThrow(`${keys[0]}: chunk entries is 1, its manifest says 2`);
    expect(await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY)).toBeUndefined();
  });

  it('fails with the key of a corrupt source chunk and commits nothing', async () => {
    const { ctx, keys } = await seedDay([[[{ time: START + 1, actors: [1], text: 'a' }]]]);
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: keys[0], Body: new Uint8Array(600).fill(7) }));
    await expect(compactDay(ctx, DAY, OPTIONS)).rejects.toThrow(keys[0]);
    expect(await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY)).toBeUndefined();
  });
});

describe('sweepCompactedChunks', () => {
  it('deletes compacted writer chunks only after the grace period, and keeps the manifests', async () => {
    const { ctx, keys } = await seedDay([[[{ time: START + 1, actors: [1], text: 'a' }], [{ time: START + 2, actors: [2], text: 'b' }]]]);
    const done = await compactDay(ctx, DAY, OPTIONS);
    if (done.status !== 'compacted') throw new Error(done.status);
    expect(await sweepCompactedChunks(ctx, done.meta, AFTER_CLOSE + 59_999, 60_000)).toEqual({ status: 'in-grace' });
    for (const key of keys) await expect(local.s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }))).resolves.toBeDefined();
    expect(await sweepCompactedChunks(ctx, done.meta, AFTER_CLOSE + 60_000, 60_000)).toEqual({ status: 'swept', deleted: 2, kept: [] });
    for (const key of keys) await expect(local.s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }))).rejects.toThrow();
    const manifest = ctx.layout.manifestKey(DAY, 'shardId-000000000000');
    await expect(local.s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: manifest }))).resolves.toBeDefined();
  });
});
