import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ChunkIndex } from '../chunk/chunk-index';
import type { BlockCompressor } from '../codec/zstd';
import { writerChunks } from '../compact/compact-day';
import { readCompactMeta } from '../compact/read-meta';
import { getRange, indexContents, readSourceIndex } from '../compact/read-source';
import type { KeyLayout } from '../layout/keys';
import { mapLimit } from '../util/map-limit';
import { encodeActorSummary } from './actor-summary';
import { type BuiltSegment, buildSegment, type SegmentInput } from './build-segment';
import { deleteRetired } from './delete-retired';
import { coverageOf, type RetiredSegment, type Segment, type TierManifest } from './manifest';
import { readTierManifest } from './read-tier';
import { writeTierManifest } from './write-tier';

export interface MergeContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
}

export interface MergeOptions {
  /** Segments of one level folded into one of the next once this many exist. @default 8 */
  readonly fanIn?: number;
  /** @default 4, as a compacted day: a segment's directory stays small */
  readonly inlineMax?: number;
  /** zstd level of the directory. @default 5 */
  readonly level?: number;
  /** @default 8 */
  readonly concurrency?: number;
  /** The merger's clock: when a segment is retired, and whether its grace period has passed. @default Date.now() */
  readonly now?: number;
  /**
   * How long a superseded segment stays stored after the manifest that retired it: longer than a query
   * can hold a day's sources it read before that commit (the query Lambda's 30 s timeout, plus the 5 s an
   * open day's sources are cached). @default 300000 (5 min)
   */
  readonly graceMs?: number;
  /**
   * The day is closed (it can gain no chunk): fold every segment and the fresh chunks into one segment
   * and mark the manifest sealed, so that a query reads one head and no writer manifest for the day.
   * @default false
   */
  readonly seal?: boolean;
  /** inlineMax of a sealed day's segment: its one head serves every query of the day, so rare actors need no bitmap read. @default 16 */
  readonly sealedInlineMax?: number;
}

/** Default grace period of a superseded segment. */
export const SEGMENT_GRACE_MS = 300_000;

export type MergeOutcome =
  | {
      readonly status: 'merged';
      readonly manifest: TierManifest;
      /** Writer chunks folded into a new level-0 segment. */
      readonly chunks: number;
      /** Segment objects written (the manifest PUT apart). */
      readonly segments: number;
      /** Superseded segment objects deleted, their grace period over. */
      readonly deleted: number;
    }
  | { readonly status: 'unchanged' }
  /** Another merger changed the manifest since this one read it: nothing was committed; the next run retries. */
  | { readonly status: 'conflict' };

/**
 * One merger run over a day not compacted: folds the writer chunks no segment covers yet into a level-0 segment,
 * then, while some level holds `fanIn` segments, folds them into one of the next level (a tiered
 * merge, so a day holds O(fanIn × log chunks) segments). Only indexes move; blocks stay in the chunks.
 *
 * The commit is a PUT of the tier manifest conditional on the ETag read (or on its absence), so two
 * mergers of one prefix cannot both commit: the loser's segments are never referenced. Segment objects
 * are named by a hash of their sources, so a retried run rewrites the same keys with the same bytes.
 */
export async function mergeDay(ctx: MergeContext, day: number, options: MergeOptions = {}): Promise<MergeOutcome> {
  const {
    fanIn = 8,
    inlineMax = 4,
    level = 5,
    concurrency = 8,
    now = Date.now(),
    graceMs = SEGMENT_GRACE_MS,
    seal = false,
    sealedInlineMax = 16,
  } = options;
  if (!Number.isInteger(fanIn) || fanIn < 2) throw new RangeError(`fanIn must be an integer of at least 2 (given ${fanIn})`);
  // A compacted day is read from its compacted form and late chunks, never from tier/, which its sweep
  // deletes with the chunks the compacted form holds (a forced compaction of an open day).
  if (await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day)) return { status: 'unchanged' };
  const stored = await readTierManifest(ctx.s3, ctx.bucket, ctx.layout, day);
  const before: TierManifest = stored?.manifest ?? { day, segments: [] };
  const due = (before.retired ?? []).filter((old) => old.retiredAt + graceMs <= now);
  if (before.sealed && due.length === 0) return { status: 'unchanged' };
  // A sealed day gains no chunk: its runs only delete what the seal retired.
  const chunks = before.sealed ? [] : await writerChunks(ctx, day, concurrency);
  const covered = coverageOf(before);
  const fresh = chunks.filter((chunk) => chunk.record.seq >= (covered.get(chunk.writer) ?? 0));
  const sealing = seal && !before.sealed;
  if (!sealing && fresh.length === 0 && fullestLevel(before.segments, fanIn) === undefined && due.length === 0)
    return { status: 'unchanged' };
  const retired: RetiredSegment[] = (before.retired ?? []).filter((old) => !due.includes(old));

  const built = new Map<string, BuiltSegment>();
  const segments: Segment[] = [...before.segments];
  const segmentOptions = { inlineMax, level };
  if (fresh.length) {
    const inputs = await mapLimit(fresh, concurrency, async (chunk) => {
      const source = await readSourceIndex(ctx.s3, ctx.bucket, ctx.zstd, chunk);
      const { record, index } = source;
      const only = {
        writer: chunk.writer,
        seq: record.seq,
        etag: record.etag,
        entries: index.entryCount,
        base: 0,
        firstBlock: 0,
        blocks: index.blocks.length,
        minTime: record.minTime,
        maxTime: record.maxTime,
        indexSize: record.indexSize,
        blocksSize: index.header.blocksSize,
      };
      return { sources: [only], index, postings: source.postings, dictionaries: source.dictionaries } satisfies SegmentInput;
    });
    const segment = await buildSegment(day, 0, inputs, ctx.zstd, segmentOptions);
    built.set(segment.segment.id, segment);
    segments.push(segment.segment);
  }
  for (;;) {
    const full = fullestLevel(segments, fanIn);
    if (full === undefined) break;
    const folded = segments.filter((segment) => segment.level === full);
    const inputs = await mapLimit(folded, concurrency, async (segment) => built.get(segment.id)?.input ?? readSegment(ctx, day, segment));
    const segment = await buildSegment(day, full + 1, inputs, ctx.zstd, segmentOptions);
    // A segment committed by an earlier run stays stored for queries that listed it; one built by this run was never written.
    for (const old of folded) if (!built.delete(old.id)) retired.push({ id: old.id, etag: old.etag, retiredAt: now });
    built.set(segment.segment.id, segment);
    segments.splice(segments.indexOf(folded[0] as Segment), folded.length, segment.segment);
  }
  let actors = before.actors;
  if (sealing) {
    const inputs = await mapLimit(segments, concurrency, async (segment) => built.get(segment.id)?.input ?? readSegment(ctx, day, segment));
    if (inputs.length > 1) {
      const top = Math.max(...segments.map((segment) => segment.level)) + 1;
      const segment = await buildSegment(day, top, inputs, ctx.zstd, { inlineMax: sealedInlineMax, level });
      for (const old of segments) if (!built.delete(old.id)) retired.push({ id: old.id, etag: old.etag, retiredAt: now });
      built.set(segment.segment.id, segment);
      segments.splice(0, segments.length, segment.segment);
    }
    actors = encodeActorSummary(inputs.flatMap((input) => [...input.index.directory.actorIds]));
  }

  const etags = new Map<string, string>();
  await mapLimit([...built.values()], concurrency, async ({ segment, bytes }) => {
    const put = await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: ctx.layout.segmentKey(day, segment.id), Body: bytes }));
    etags.set(segment.id, put.ETag ?? '');
  });
  // Deleted before the commit: a retired segment is in no manifest's segments, this one's or a rival's.
  const deleted = await deleteRetired(ctx.s3, ctx.bucket, ctx.layout, day, due);
  const manifest: TierManifest = {
    day,
    segments: segments.map((segment) => (etags.has(segment.id) ? { ...segment, etag: etags.get(segment.id) as string } : segment)),
    ...(retired.length ? { retired } : {}),
    ...(sealing || before.sealed ? { sealed: true, actors } : {}),
  };
  const committed = await writeTierManifest(ctx.s3, ctx.bucket, ctx.layout, manifest, stored?.etag);
  if (!committed) return { status: 'conflict' };
  return { status: 'merged', manifest, chunks: fresh.length, segments: built.size, deleted };
}

/** The lowest level holding `fanIn` segments or more. */
function fullestLevel(segments: readonly Segment[], fanIn: number): number | undefined {
  const counts = new Map<number, number>();
  for (const { level } of segments) counts.set(level, (counts.get(level) ?? 0) + 1);
  const full = [...counts].filter(([, count]) => count >= fanIn).map(([level]) => level);
  return full.length ? Math.min(...full) : undefined;
}

/** A committed segment's whole index, bound to its ETag. */
async function readSegment(ctx: MergeContext, day: number, segment: Segment): Promise<SegmentInput> {
  const key = ctx.layout.segmentKey(day, segment.id);
  const bytes = await getRange(ctx.s3, ctx.bucket, key, segment.etag, 0, segment.indexSize);
  const index = ChunkIndex.parse(key, bytes, ctx.zstd);
  return { sources: segment.sources, index, ...(await indexContents(key, bytes, index)) };
}
