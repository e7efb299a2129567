import { DeleteObjectsCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { CorruptError } from '../codec/errors';
import type { CompactContext } from './compact-day';
import type { CompactMeta } from './meta';

export type SweepOutcome =
  | { readonly status: 'swept'; readonly deleted: number; readonly kept: readonly string[] }
  | { readonly status: 'in-grace' };

/**
 * Deletes the writer chunks a committed compacted day holds, once `graceMs` has passed since the
 * commit (queries that listed the day before it may still read them). Manifests stay: the
 * consumer continues a writer-day's sequence and watermark from them.
 *
 * It trusts the metadata no further than it can check: the day's index and data objects must exist
 * with the ETags it names (else nothing is deleted), and each chunk is deleted only at the ETag it was
 * copied at (an S3 conditional delete), so a forged or stale metadata object cannot make it delete
 * data that the compacted day does not hold. A chunk whose bytes differ is kept and named in `kept`.
 */
export async function sweepCompactedChunks(ctx: CompactContext, meta: CompactMeta, now: number, graceMs: number): Promise<SweepOutcome> {
  if (meta.committedAt + graceMs > now) return { status: 'in-grace' };
  await checkStored(ctx, ctx.layout.compactIndexKey(meta.day, meta.generation), meta.indexEtag);
  await checkStored(ctx, ctx.layout.compactDataKey(meta.day, meta.generation), meta.dataEtag);
  const chunks = meta.sources.map(({ writer, seq, etag }) => ({ Key: ctx.layout.chunkKey(meta.day, writer, seq), ETag: etag }));
  const kept: string[] = [];
  for (let at = 0; at < chunks.length; at += 1000) {
    const batch = chunks.slice(at, at + 1000);
    const result = await ctx.s3.send(new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: batch, Quiet: true } }));
    for (const error of result.Errors ?? []) {
      if (error.Code === 'PreconditionFailed') kept.push(error.Key ?? '');
      else throw new Error(`deleting compacted chunks failed for ${error.Key}: ${error.Code} ${error.Message}`);
    }
  }
  return { status: 'swept', deleted: chunks.length - kept.length, kept };
}

/** Throws a CorruptError naming `key` unless it is stored with `etag`. */
async function checkStored(ctx: CompactContext, key: string, etag: string): Promise<void> {
  let found: string | undefined;
  try {
    found = (await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }))).ETag;
  } catch (error) {
    if ((error as Error).name !== 'NotFound') throw error;
  }
  if (found !== etag) {
    throw new CorruptError(`the compacted day's metadata names ${etag} but the object is ${found ?? 'missing'}: nothing swept`, key);
  }
}
