import { describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { loadZstd } from '../../../shared/codec/zstd';
import { type CompactContext, compactDay } from '../../../shared/compact/compact-day';
import type { CompactMeta } from '../../../shared/compact/meta';
import { sweepCompactedChunks } from '../../../shared/compact/sweep';
import { DAY_MS } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { MemoryS3 } from '../../support/memory-s3';
import { seedWriter } from '../../support/seed-chunks';

const DAY = 20_635; // 2026-07-01
const START = DAY * DAY_MS;
const AFTER_CLOSE = (DAY + 3) * DAY_MS;

/** A compacted day of two chunks on a store that enforces S3's conditional deletes (s3rver ignores them). */
async function compactedDay() {
  const store = new MemoryS3();
  const ctx: CompactContext = { s3: store.client(), bucket: store.bucket, layout: new KeyLayout('p/'), zstd: await loadZstd() };
  const batches = [[{ time: START + 1, actors: [1], text: 'a' }], [{ time: START + 2, actors: [2], text: 'b' }]];
  const { keys } = await seedWriter(ctx, 'shardId-000000000000', batches);
  const done = await compactDay(ctx, DAY, { now: AFTER_CLOSE, blockSize: 1024, partBytes: 2048 });
  if (done.status !== 'compacted') throw new Error(done.status);
  return { store, ctx, keys, meta: done.meta };
}

describe('sweepCompactedChunks trusts its metadata only as far as it can check it', () => {
  it('deletes a chunk only at the ETag it was copied at: one rewritten since is kept and named', async () => {
    const { store, ctx, keys, meta } = await compactedDay();
    store.put(keys[1] as string, new Uint8Array([1, 2, 3]));
    expect(await sweepCompactedChunks(ctx, meta, AFTER_CLOSE, 0)).toEqual({ status: 'swept', deleted: 1, kept: [keys[1]], tierDeleted: 0 });
    expect(store.get(keys[0] as string)).toBeUndefined();
    expect(store.get(keys[1] as string)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('deletes nothing when a forged metadata object names compacted objects that are not stored so', async () => {
    const { store, ctx, keys, meta } = await compactedDay();
    const forged: CompactMeta = { ...meta, dataEtag: '"0123456789abcdef0123456789abcdef"' };
    const dataKey = ctx.layout.compactDataKey(DAY, meta.generation);
    const refusal = await sweepCompactedChunks(ctx, forged, AFTER_CLOSE, 0).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CorruptError);
    expect((refusal as CorruptError).message).toContain(dataKey);
    expect((refusal as CorruptError).message).toContain('nothing swept');
    const missing: CompactMeta = { ...meta, generation: '0000000000000000' };
    await expect(sweepCompactedChunks(ctx, missing, AFTER_CLOSE, 0)).rejects.toThrow('the object is missing: nothing swept');
    for (const key of keys) expect(store.get(key)).toBeDefined();
  });

  it('deletes nothing when the sources object is not the one the metadata names, or lists other chunks', async () => {
    const { store, ctx, keys, meta } = await compactedDay();
    const sourcesKey = ctx.layout.compactSourcesKey(DAY, meta.generation);
    const original = store.get(sourcesKey) as Uint8Array;
    const other = new TextEncoder().encode(new TextDecoder().decode(original).replace('"etags":["', '"etags":["x'));
    store.put(sourcesKey, other);
    await expect(sweepCompactedChunks(ctx, meta, AFTER_CLOSE, 0)).rejects.toThrow(
      `${sourcesKey}: the compacted day's metadata names ${meta.sourcesEtag} but the object is`,
    );
    const root = JSON.parse(new TextDecoder().decode(original)) as { writers: { etags: string[] }[] };
    root.writers[0]?.etags.pop();
    const fewer = new TextEncoder().encode(JSON.stringify(root));
    store.put(sourcesKey, fewer);
    const matching = { ...meta, sourcesEtag: store.objects.get(sourcesKey)?.etag ?? '' };
    await expect(sweepCompactedChunks(ctx, matching, AFTER_CLOSE, 0)).rejects.toThrow(
      `${sourcesKey}: the sources object does not match the compacted day's metadata`,
    );
    for (const key of keys) expect(store.get(key)).toBeDefined();
  });
});
