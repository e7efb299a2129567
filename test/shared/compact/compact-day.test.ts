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
import { encodeManifest } from '../../../shared/manifest/manifest-codec';
import { readManifest } from '../../../shared/manifest/read-manifest';
import { comparePositions } from '../../../shared/query/order';
import { decodeActorSummary } from '../../../shared/tier/actor-summary';
import { faultyS3, InjectedFault } from '../../support/faulty-s3';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { type StoredEvent, seedWriter } from '../../support/seed-chunks';
import { readCompacted } from './read-compacted';

const DAY = 20_635; // 2026-07-01
const START = DAY * DAY_MS;
const ACTORS = [1, 2, 3, 4, 5, 6, 7, 8];
const AFTER_CLOSE = (DAY + 3) * DAY_MS;
/** Small parts so a test day exercises multipart joins; s3rver does not enforce S3's 5 MiB minimum. */
const OPTIONS = { now: AFTER_CLOSE, blockSize: 1024, partBytes: 2048 } as const;

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

/** The stored events naming all of `actors`, in the order a re-encoded day holds them: the query's (time, writer, seq, ordinal). */
function byDay(stored: readonly StoredEvent[], actors: readonly number[]): StoredEvent[] {
  return stored
    .filter(({ event }) => actors.every((actor) => event.actors.includes(actor)))
    .sort((a, b) => comparePositions(a.position, b.position));
}

describe('compactDay', () => {
  it('merges every writer chunk of a day: each actor and pair reads back exactly what was stored', async () => {
    await fc.assert(
      fc.asyncProperty(dayArb, async (writers) => {
        const { ctx, stored } = await seedDay(writers);
        const outcome = await compactDay(ctx, DAY, OPTIONS);
        expect(outcome.status).toBe('compacted');
        const meta = await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY);
        if (meta?.version !== 2) throw new Error('no metadata of a re-encoded day');
        expect(meta.entries).toBe(stored.length);
        for (const actors of [...ACTORS.map((a) => [a]), [1, 2], [3, 4, 5]]) {
          expect(await readCompacted(ctx, meta, actors)).toEqual(byDay(stored, actors));
        }
      }),
      { numRuns: 8 },
    );
    // Eight re-encodings at zstd level 19 against s3rver: under a loaded machine this passes 60 s.
  }, 300_000);

  it('is a no-op on a compacted day, and waits for a day to close unless forced', async () => {
    const { ctx } = await seedDay([[[{ time: START + 5, actors: [1], text: 'a' }]]]);
    expect((await compactDay(ctx, DAY, { ...OPTIONS, now: START + DAY_MS })).status).toBe('not-closed');
    expect((await compactDay(ctx, DAY, OPTIONS)).status).toBe('compacted');
    expect((await compactDay(ctx, DAY, OPTIONS)).status).toBe('already-compacted');
    expect((await compactDay(ctx, DAY - 1, OPTIONS)).status).toBe('empty');
    const { ctx: open } = await seedDay([[[{ time: START + 5, actors: [1], text: 'a' }]]]);
    expect((await compactDay(open, DAY, { ...OPTIONS, now: START + DAY_MS, force: true })).status).toBe('compacted');
  });

  it('recovers from a crash at every S3 call, its data in several parts: the retry commits the same generation with every event', async () => {
    // Texts that barely compress, so the data object takes several parts of 2 KiB.
    let seed = 1;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed;
    };
    const noise = () => Array.from({ length: 40 }, () => String.fromCharCode(33 + (next() % 90))).join('');
    const writers = [
      [
        [
          { time: START + 10, actors: [1, 2], text: 'one' },
          { time: START + 20, actors: [2], text: 'two' },
        ],
        [{ time: START + 15, actors: [1], text: 'three' }],
      ],
      [
        [
          { time: START + 12, actors: [1, 3], text: 'four' },
          ...Array.from({ length: 150 }, (_, i) => ({ time: START + 30 + i, actors: [1 + (i % 4)], text: noise() })),
        ],
      ],
    ];
    const reference = await seedDay(writers);
    const done = await compactDay(reference.ctx, DAY, OPTIONS);
    if (done.status !== 'compacted') throw new Error(done.status);
    expect(done.stats.dataParts).toBeGreaterThanOrEqual(2);
    const faulty = faultyS3(local.endpoint);
    for (const lost of ['request', 'response'] as const) {
      for (let call = 1; ; call++) {
        const { ctx, stored } = await seedDay(writers);
        faulty.arm({ call, lost, crash: true });
        const crashed = await compactDay({ ...ctx, s3: faulty.s3 }, DAY, OPTIONS).then(
          () => false,
          (error) => {
            expect(error).toBeInstanceOf(InjectedFault);
            return true;
          },
        );
        if (!crashed) break;
        // Only the metadata PUT commits; when its answer is lost the day is compacted all the same.
        const committed = await readCompactMeta(local.s3, local.bucket, ctx.layout, DAY);
        if (committed) expect(lost).toBe('response');
        faulty.arm();
        const retry = await compactDay(ctx, DAY, OPTIONS);
        if (retry.status !== 'compacted' && retry.status !== 'already-compacted') throw new Error(retry.status);
        expect(retry.status).toBe(committed ? 'already-compacted' : 'compacted');
        expect(retry.meta.generation).toBe(done.meta.generation);
        if (retry.meta.version !== 2) throw new Error('not re-encoded');
        expect(await readCompacted(ctx, retry.meta, [1])).toEqual(byDay(stored, [1]));
      }
    }
  });

  it('drops the events a filter rejects; every other keeps its position, so its cursor too', async () => {
    await fc.assert(
      fc.asyncProperty(dayArb, async (writers) => {
        const { ctx, stored } = await seedDay(writers);
        const keep = { id: 'without-actor-3', test: (event: TalesEvent) => !event.actors.includes(3) };
        const kept = stored.filter(({ event }) => keep.test(event));
        const outcome = await compactDay(ctx, DAY, { ...OPTIONS, keep });
        if (outcome.status !== 'compacted') throw new Error(outcome.status);
        expect(outcome.meta.entries).toBe(kept.length);
        expect(outcome.stats.dropped).toBe(stored.length - kept.length);
        // The day's actor summary names exactly the actors of the events kept.
        const summary = decodeActorSummary(outcome.meta.actors as string, 'meta');
        expect([...summary.values(0, 2 ** 32)]).toEqual([...new Set(kept.flatMap(({ event }) => event.actors))].sort((a, b) => a - b));
        for (const actors of [[1], [2, 4], [3]]) expect(await readCompacted(ctx, outcome.meta, actors)).toEqual(byDay(kept, actors));
      }),
      { numRuns: 6 },
    );
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
    expect(await sweepCompactedChunks(ctx, done.meta, AFTER_CLOSE + 60_000, 60_000)).toEqual({
      status: 'swept',
      deleted: 2,
      kept: [],
      tierDeleted: 0,
    });
    for (const key of keys) await expect(local.s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }))).rejects.toThrow();
    const manifest = ctx.layout.manifestKey(DAY, 'shardId-000000000000');
    await expect(local.s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: manifest }))).resolves.toBeDefined();
  });
});
