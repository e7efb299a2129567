import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { deleteAtEtags } from '../aws/delete-at-etags';
import { getStoredText } from '../aws/get-text';
import { listObjects } from '../aws/list-objects';
import { CorruptError } from '../codec/errors';
import type { CompactContext } from './compact-day';
import type { CompactMeta, ReencodedDayMeta } from './meta';
import { decodeDaySources } from './sources-object';

export type SweepOutcome =
  | {
      readonly status: 'swept';
      readonly deleted: number;
      readonly kept: readonly string[];
      /** Objects of the day's tier/ (merged segments, retired or not, and their manifest) deleted. */
      readonly tierDeleted: number;
    }
  | { readonly status: 'in-grace' };

/**
 * Deletes the writer chunks a committed compacted day holds, and the day's merged segments (its whole
 * tier/, which a compacted day no longer reads), once `graceMs` has passed since the commit (queries
 * that listed the day before it may still read them). Manifests stay: the consumer continues a
 * writer-day's sequence and watermark from them.
 *
 * It trusts the metadata no further than it can check: the day's index and data objects must exist
 * with the ETags it names (else nothing is deleted), and each chunk is deleted only at the ETag it was
 * copied at (an S3 conditional delete), so a forged or stale metadata object cannot make it delete
 * data that the compacted day does not hold. A chunk whose bytes differ is kept and named in `kept`.
 */
export async function sweepCompactedChunks(ctx: CompactContext, meta: CompactMeta, now: number, graceMs: number): Promise<SweepOutcome> {
  if (meta.committedAt + graceMs > now) return { status: 'in-grace' };
  // A day whose every event was erased has no index or data object to check.
  if (meta.version === 1 || meta.entries > 0) {
    await checkStored(ctx, ctx.layout.compactIndexKey(meta.day, meta.generation), meta.indexEtag);
    await checkStored(ctx, ctx.layout.compactDataKey(meta.day, meta.generation), meta.dataEtag);
  }
  const sources = meta.version === 1 ? meta.sources : await reencodedSources(ctx, meta);
  const chunks = sources.map(({ writer, seq, etag }) => ({ Key: ctx.layout.chunkKey(meta.day, writer, seq), ETag: etag }));
  const { deleted, kept } = await deleteAtEtags(ctx.s3, ctx.bucket, chunks, 'compacted chunks');
  return { status: 'swept', deleted, kept, tierDeleted: await deleteTier(ctx, meta.day) };
}

/**
 * Deletes every object of the day's tier/, each at the ETag it was listed with (a conditional delete):
 * one rewritten since the list (a merger still running on a day compacted by force) stays for the next sweep.
 */
async function deleteTier(ctx: CompactContext, day: number): Promise<number> {
  const listed: { Key: string; ETag: string }[] = [];
  for await (const { key, etag } of listObjects(ctx.s3, ctx.bucket, ctx.layout.tierPrefix(day))) listed.push({ Key: key, ETag: etag });
  return (await deleteAtEtags(ctx.s3, ctx.bucket, listed, "a compacted day's tier")).deleted;
}

/**
 * A re-encoded day's source chunks, from its sources object, which must be the one its metadata names and
 * hold as many chunks (else a CorruptError, before the sweep deletes or a purge rewrites anything).
 */
export async function reencodedSources(ctx: CompactContext, meta: ReencodedDayMeta) {
  const key = ctx.layout.compactSourcesKey(meta.day, meta.generation);
  const stored = await getStoredText(ctx.s3, ctx.bucket, key);
  if (stored?.etag !== meta.sourcesEtag) {
    throw new CorruptError(`the compacted day's metadata names ${meta.sourcesEtag} but the object is ${stored?.etag ?? 'missing'}`, key);
  }
  const { writers } = decodeDaySources(stored.text, key);
  const same =
    writers.length === meta.writers.length &&
    writers.every((entry, i) => entry.writer === meta.writers[i]?.writer && entry.etags.length === meta.writers[i]?.chunks);
  if (!same) throw new CorruptError("the sources object does not match the compacted day's metadata", key);
  return writers.flatMap(({ writer, etags }) => etags.map((etag, seq) => ({ writer, seq, etag })));
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
