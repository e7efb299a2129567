import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { s3Source } from '../aws/s3-source';
import { openChunk } from '../chunk/reader';
import type { CompactContext } from '../compact/compact-day';
import type { CompactMeta } from '../compact/meta';
import { erasedIn } from './erased-actors';

/**
 * A compacted day is read without its merged segments (tier/), but their directories still name every
 * actor of the open day they served. When one names an erased actor, the day's whole tier/ folder
 * (segments and manifest) is deleted once the compaction's grace period is over, as the writer chunks
 * the segments point into are. Returns the erased actors the segments still name (none once deleted).
 */
export async function sweepErasedSegments(
  ctx: CompactContext,
  meta: CompactMeta,
  erased: ReadonlySet<number>,
  now: number,
  graceMs: number,
): Promise<number[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: ctx.s3 }, { Bucket: ctx.bucket, Prefix: ctx.layout.tierPrefix(meta.day) })) {
    for (const { Key } of page.Contents ?? []) if (Key !== undefined) keys.push(Key);
  }
  const named = new Set<number>();
  for (const key of keys.filter((name) => name.endsWith('.index.tale'))) {
    for (const actor of erasedIn(await openChunk(s3Source(ctx.s3, ctx.bucket, key), ctx.zstd), erased)) named.add(actor);
  }
  if (named.size === 0) return [];
  if (meta.committedAt + graceMs > now) return [...named].sort((a, b) => a - b);
  for (let at = 0; at < keys.length; at += 1000) {
    const batch = keys.slice(at, at + 1000);
    const result = await ctx.s3.send(
      new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0)
      throw new Error(`deleting merged segments failed for ${failed.length} keys, first ${failed[0]?.Key}: ${failed[0]?.Message}`);
  }
  return [];
}
