import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { CompactContext } from '../compact/compact-day';
import type { CompactMeta } from '../compact/meta';

export type GenerationSweep = { readonly status: 'swept'; readonly deleted: number } | { readonly status: 'in-grace' };

/**
 * Deletes the index and data objects of a compacted day's earlier generations (a purge's leftovers,
 * which hold the erased events), once `graceMs` has passed since the current one was committed:
 * queries that read the old metadata before the commit may still read them until then.
 */
export async function sweepOldGenerations(ctx: CompactContext, meta: CompactMeta, now: number, graceMs: number): Promise<GenerationSweep> {
  const old = await oldGenerationKeys(ctx, meta);
  if (old.length === 0) return { status: 'swept', deleted: 0 };
  if (meta.committedAt + graceMs > now) return { status: 'in-grace' };
  for (let at = 0; at < old.length; at += 1000) {
    const batch = old.slice(at, at + 1000);
    const result = await ctx.s3.send(
      new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0)
      throw new Error(`deleting old generations failed for ${failed.length} keys, first ${failed[0]?.Key}: ${failed[0]?.Message}`);
  }
  return { status: 'swept', deleted: old.length };
}

/** Objects of the day's compact/ folder that belong to no current generation (the metadata excepted). */
export async function oldGenerationKeys(ctx: CompactContext, meta: CompactMeta): Promise<string[]> {
  const keep = new Set([
    ctx.layout.compactMetaKey(meta.day),
    ctx.layout.compactIndexKey(meta.day, meta.generation),
    ctx.layout.compactDataKey(meta.day, meta.generation),
  ]);
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: ctx.s3 }, { Bucket: ctx.bucket, Prefix: ctx.layout.compactPrefix(meta.day) })) {
    for (const { Key } of page.Contents ?? []) if (Key !== undefined && !keep.has(Key)) keys.push(Key);
  }
  return keys;
}
