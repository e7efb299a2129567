import { listFolders } from '../aws/list-folders';
import { s3Source } from '../aws/s3-source';
import type { ChunkIndex } from '../chunk/chunk-index';
import { openChunk } from '../chunk/reader';
import { type CompactContext, writerChunks } from '../compact/compact-day';
import { type CompactMeta, coveredChunks } from '../compact/meta';
import { readCompactMeta } from '../compact/read-meta';
import { sweepCompactedChunks } from '../compact/sweep';
import { dayName, parseDayName } from '../layout/day';
import { LAYOUT_VERSION } from '../layout/keys';
import type { StoredChunk } from '../manifest/stored-chunks';
import type { ErasureStore } from './erase-actor';
import { erasedIn } from './erased-actors';
import { decodeErasedSet } from './erased-set';
import { readPending, settlePending } from './pending';
import { purgeCompactedDay } from './purge-day';
import { purgeRecords, type RecordPurge, type RecordStore } from './purge-records';
import { readVersioned } from './stored-object';
import { oldGenerationKeys, sweepOldGenerations } from './sweep-generations';
import { sweepErasedSegments } from './sweep-segments';

/** Manifests read at once when listing a day's writer chunks. */
const CONCURRENCY = 8;

export interface PurgeRun {
  readonly now: number;
  /** How long replaced objects stay for queries under way (the compaction grace). */
  readonly graceMs: number;
  /** Only these days (a forced purge of one day); unset: every stored day, and the erasure records are updated. */
  readonly days?: readonly number[];
  /** Records that never became events (rejected/, the failure destination), purged of erased actors on every pass. @default none */
  readonly records?: readonly RecordStore[];
}

/** What one pass did: days it rewrote or found still holding erased events, and the record stores it cleaned. */
export interface PurgeReport {
  readonly days: PurgeDayReport[];
  readonly records: RecordReport[];
}

export type RecordReport = RecordPurge | { readonly kind: RecordStore['kind']; readonly error: unknown };

export interface PurgeDayReport {
  readonly day: string;
  /** Erased events turned into tombstones by this run. */
  readonly purged: number;
  /** Erased actors whose events the day still holds (an open day, or replaced objects in their grace period). */
  readonly holding: readonly number[];
  /** Why the day's purge failed; the other days of the pass go on, and the day stays held. */
  readonly error?: unknown;
}

/**
 * One purge pass: every compacted day naming an erased actor is rewritten without its events, replaced
 * objects are deleted once their grace period is over, and each pending erasure's record is updated
 * with the days still holding its events (purged when none is left). Records naming an erased actor
 * are removed from `rejected/` objects and the failure destination. Open days hold their events in
 * writer chunks until they close and are compacted; the next pass then purges them.
 */
export async function runPurge(ctx: CompactContext, store: ErasureStore, run: PurgeRun): Promise<PurgeReport> {
  const stored = await readVersioned(store.s3, store.bucket, store.keys.setKey);
  if (!stored) return { days: [], records: [] };
  const erased = decodeErasedSet(stored.text, store.keys.setKey);
  const days = run.days ?? (await storedDays(ctx));
  const reports: PurgeDayReport[] = [];
  for (const day of days) {
    try {
      reports.push(await purgeDay(ctx, day, erased, run));
    } catch (error) {
      reports.push({ day: dayName(day), purged: 0, holding: [...erased].sort((a, b) => a - b), error });
    }
  }
  const records: RecordReport[] = [];
  for (const location of run.records ?? []) {
    try {
      records.push(await purgeRecords(ctx.s3, location, erased));
    } catch (error) {
      records.push({ kind: location.kind, error });
    }
  }
  // A store that could not be cleaned may still hold any erased actor: no erasure is settled as purged then.
  if (!run.days && !records.some((report) => 'error' in report)) {
    const held = new Map<number, string[]>();
    for (const report of reports) for (const actor of report.holding) held.set(actor, [...(held.get(actor) ?? []), report.day]);
    await settlePending(store, await readPending(store), held, run.now);
  }
  return {
    days: reports.filter((report) => report.purged > 0 || report.holding.length > 0 || report.error !== undefined),
    records: records.filter((report) => 'error' in report || report.records > 0 || report.versionsDeleted > 0),
  };
}

async function purgeDay(ctx: CompactContext, day: number, erased: ReadonlySet<number>, run: PurgeRun): Promise<PurgeDayReport> {
  let meta = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day);
  const chunks = await writerChunks(ctx, day, CONCURRENCY);
  let stored = chunks;
  let purged = 0;
  const holding = new Set<number>();
  if (meta) {
    const compacted = meta;
    const late = chunks.filter((chunk) => chunk.record.seq >= coveredChunks(compacted, chunk.writer));
    const outcome = await purgeCompactedDay(ctx, meta, erased, { now: run.now, late });
    if (outcome.status === 'purged') {
      meta = outcome.meta;
      purged = outcome.erased;
    }
    await sweepOldGenerations(ctx, meta, run.now, run.graceMs);
    const sweep = await sweepCompactedChunks(ctx, meta, run.now, run.graceMs);
    // Once swept, the compacted chunks are gone (their manifests still list them): only the others are read.
    if (sweep.status === 'swept') {
      const covered = meta;
      stored = chunks.filter((chunk) => chunk.record.seq >= coveredChunks(covered, chunk.writer) || sweep.kept.includes(chunk.key));
    }
    for (const key of await oldGenerationKeys(ctx, meta)) {
      if (key.endsWith('.index.tale'))
        for (const actor of erasedIn(await openChunk(s3Source(ctx.s3, ctx.bucket, key), ctx.zstd), erased)) holding.add(actor);
    }
    for (const actor of await sweepErasedSegments(ctx, meta, erased, run.now, run.graceMs)) holding.add(actor);
  }
  for (const index of await writerChunkIndexes(ctx, stored, meta)) for (const actor of erasedIn(index, erased)) holding.add(actor);
  return { day: dayName(day), purged, holding: [...holding].sort((a, b) => a - b) };
}

/** The heads of the day's writer chunks still stored (not swept), compacted ones included. */
async function writerChunkIndexes(
  ctx: CompactContext,
  chunks: readonly StoredChunk[],
  meta: CompactMeta | undefined,
): Promise<ChunkIndex[]> {
  const indexes: ChunkIndex[] = [];
  for (const chunk of chunks) {
    try {
      indexes.push(await openChunk(s3Source(ctx.s3, ctx.bucket, chunk.key), ctx.zstd, chunk.record.headSize));
    } catch (error) {
      // A compacted chunk the sweep deleted holds nothing any more.
      if (!(meta && (error as Error).name === 'NoSuchKey')) throw error;
    }
  }
  return indexes;
}

/** Every day folder below `<prefix>v1/`. */
async function storedDays(ctx: CompactContext): Promise<number[]> {
  const base = `${ctx.layout.prefix}${LAYOUT_VERSION}/`;
  const days: number[] = [];
  for await (const folder of listFolders(ctx.s3, ctx.bucket, base)) days.push(parseDayName(folder.slice(base.length, -1)));
  return days;
}
