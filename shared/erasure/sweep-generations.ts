import { deleteAtEtags } from '../aws/delete-at-etags';
import { listObjects } from '../aws/list-objects';
import type { CompactContext } from '../compact/compact-day';
import type { CompactMeta } from '../compact/meta';

export type GenerationSweep = { readonly status: 'swept'; readonly deleted: number } | { readonly status: 'in-grace' };

/**
 * Deletes the objects of a compacted day's replaced generations (a purge's leftovers, which hold the
 * erased events, or those of a run that lost the race to commit), once `graceMs` has passed since the
 * current one was committed: queries that read the old metadata before the commit may read them until
 * then. Each is deleted at the ETag it was listed with; a rerun finds what is left by listing again.
 */
export async function sweepOldGenerations(ctx: CompactContext, meta: CompactMeta, now: number, graceMs: number): Promise<GenerationSweep> {
  const old = await oldGenerationObjects(ctx, meta);
  if (old.length === 0) return { status: 'swept', deleted: 0 };
  if (meta.committedAt + graceMs > now) return { status: 'in-grace' };
  const { deleted } = await deleteAtEtags(ctx.s3, ctx.bucket, old, 'replaced generations');
  return { status: 'swept', deleted };
}

/** Objects of the day's compact/ folder that belong to no current generation (the metadata excepted). */
export async function oldGenerationObjects(ctx: CompactContext, meta: CompactMeta): Promise<{ Key: string; ETag: string }[]> {
  const current = new Set([
    ctx.layout.compactMetaKey(meta.day),
    ctx.layout.compactIndexKey(meta.day, meta.generation),
    ctx.layout.compactDataKey(meta.day, meta.generation),
    ctx.layout.compactSourcesKey(meta.day, meta.generation),
  ]);
  const old: { Key: string; ETag: string }[] = [];
  for await (const { key, etag } of listObjects(ctx.s3, ctx.bucket, ctx.layout.compactPrefix(meta.day))) {
    if (!current.has(key)) old.push({ Key: key, ETag: etag });
  }
  return old;
}
