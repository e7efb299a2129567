import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { CompactContext } from './compact-day';
import type { CompactMeta } from './meta';

export type SweepOutcome = { readonly status: 'swept'; readonly deleted: number } | { readonly status: 'in-grace' };

/**
 * Deletes the writer chunks a committed compacted day holds, once `graceMs` has passed since the
 * commit (queries that listed the day before it may still read them). Manifests stay: the
 * consumer continues a writer-day's sequence and watermark from them.
 */
export async function sweepCompactedChunks(ctx: CompactContext, meta: CompactMeta, now: number, graceMs: number): Promise<SweepOutcome> {
  if (meta.committedAt + graceMs > now) return { status: 'in-grace' };
  const keys = meta.sources.map(({ writer, seq }) => ctx.layout.chunkKey(meta.day, writer, seq));
  for (let at = 0; at < keys.length; at += 1000) {
    const batch = keys.slice(at, at + 1000);
    const result = await ctx.s3.send(
      new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = result.Errors ?? [];
    if (failed.length > 0)
      throw new Error(`deleting compacted chunks failed for ${failed.length} keys, first ${failed[0]?.Key}: ${failed[0]?.Message}`);
  }
  return { status: 'swept', deleted: keys.length };
}
