import { listFolders } from '../aws/list-folders';
import { listObjects } from '../aws/list-objects';
import { s3Source } from '../aws/s3-source';
import { openChunk } from '../chunk/reader';
import { type CompactContext, writerChunks } from '../compact/compact-day';
import { CompactionError } from '../compact/errors';
import { coveredChunks } from '../compact/meta';
import { readStoredCompactMeta } from '../compact/read-meta';
import { sweepCompactedChunks } from '../compact/sweep';
import { dayName, parseDayName } from '../layout/day';
import { LAYOUT_VERSION } from '../layout/keys';
import type { StoredChunk } from '../manifest/stored-chunks';
import type { ErasureStore } from './erase-actor';
import { erasedIn } from './erased-actors';
import { readPending, settlePending } from './pending';
import { purgeCompactedDay } from './purge-day';
import { purgeRecords, type RecordPurge, type RecordStore } from './purge-records';
import { oldGenerationObjects, sweepOldGenerations } from './sweep-generations';

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
  /** Erased events this run dropped from the day. */
  readonly purged: number;
  /** Erased actors whose events the day still holds (an open day, or replaced objects in their grace period). */
  readonly holding: readonly number[];
  /** Why the day's purge failed; the other days of the pass go on, and the day stays held. */
  readonly error?: unknown;
}

/**
 * One purge pass over `erased` (readErasedSet): every compacted day naming an erased actor is rewritten without its events, replaced
 * objects are deleted once their grace period is over, and each pending erasure's record is updated
 * with the days still holding its events (purged when none is left). Records naming an erased actor
 * are removed from `rejected/` objects and the failure destination. Open days hold their events in
 * writer chunks until they close and are compacted; the next pass then purges them.
 */
export async function runPurge(ctx: CompactContext, store: ErasureStore, erased: ReadonlySet<number>, run: PurgeRun): Promise<PurgeReport> {
  if (erased.size === 0) return { days: [], records: [] };
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

/** Purges attempted on one day when another run replaces its metadata meanwhile. */
const ATTEMPTS = 3;

async function purgeDay(ctx: CompactContext, day: number, erased: ReadonlySet<number>, run: PurgeRun): Promise<PurgeDayReport> {
  const chunks = await writerChunks(ctx, day, CONCURRENCY);
  const report = (purged: number, holding: readonly number[]) => ({
    day: dayName(day),
    purged,
    holding: [...holding].sort((a, b) => a - b),
  });
  for (let attempt = 1; ; attempt++) {
    const stored = await readStoredCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day);
    // Not compacted (open, or closed and waiting for its compaction, which drops the erased events): its chunks hold them.
    if (!stored) return report(0, await namedBy(ctx, chunks.map(chunkHead), erased));
    const late = chunks.filter((chunk) => chunk.record.seq >= coveredChunks(stored.meta, chunk.writer));
    const outcome = await purgeCompactedDay(ctx, stored, erased, { now: run.now, late });
    if (outcome.status === 'raced') {
      if (attempt < ATTEMPTS) continue;
      throw new CompactionError(`the metadata changed under ${ATTEMPTS} purges`, ctx.layout.compactMetaKey(day));
    }
    const meta = outcome.status === 'purged' ? outcome.meta : stored.meta;
    await sweepOldGenerations(ctx, meta, run.now, run.graceMs);
    const sweep = await sweepCompactedChunks(ctx, meta, run.now, run.graceMs);
    // What may still name an erased actor: replaced generations, and until the sweep the compacted chunks and tier/.
    const left = chunks.filter(
      (chunk) => chunk.record.seq >= coveredChunks(meta, chunk.writer) || sweep.status === 'in-grace' || sweep.kept.includes(chunk.key),
    );
    const old = (await oldGenerationObjects(ctx, meta)).filter(({ Key }) => Key.endsWith('.index.tale'));
    const tier: { key: string }[] = [];
    for await (const { key } of listObjects(ctx.s3, ctx.bucket, ctx.layout.tierPrefix(day)))
      if (key.endsWith('.index.tale')) tier.push({ key });
    const heads = [...left.map(chunkHead), ...old.map(({ Key }) => ({ key: Key })), ...tier];
    return report(outcome.status === 'purged' ? outcome.erased : 0, await namedBy(ctx, heads, erased));
  }
}

function chunkHead(chunk: StoredChunk): { key: string; headSize?: number } {
  return { key: chunk.key, headSize: chunk.record.headSize };
}

/** The erased actors the heads name. A head already deleted (a swept chunk its manifest still lists) names none. */
async function namedBy(
  ctx: CompactContext,
  heads: readonly { readonly key: string; readonly headSize?: number }[],
  erased: ReadonlySet<number>,
): Promise<number[]> {
  const named = new Set<number>();
  for (const { key, headSize } of heads) {
    try {
      for (const actor of erasedIn(await openChunk(s3Source(ctx.s3, ctx.bucket, key), ctx.zstd, headSize), erased)) named.add(actor);
    } catch (error) {
      if ((error as Error).name !== 'NoSuchKey') throw error;
    }
  }
  return [...named];
}

/** Every day folder below `<prefix>v1/`. */
async function storedDays(ctx: CompactContext): Promise<number[]> {
  const base = `${ctx.layout.prefix}${LAYOUT_VERSION}/`;
  const days: number[] = [];
  for await (const folder of listFolders(ctx.s3, ctx.bucket, base)) days.push(parseDayName(folder.slice(base.length, -1)));
  return days;
}
