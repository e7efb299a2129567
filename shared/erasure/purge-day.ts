import { createHash } from 'node:crypto';
import type { CompactContext } from '../compact/compact-day';
import { compactedDayInput, openCompactedDay, sourceNumbers, withLateChunks } from '../compact/compacted-input';
import { openSource } from '../compact/day-events';
import type { CompactMeta, ReencodedDayMeta } from '../compact/meta';
import { type WriteDayOptions, writeDay } from '../compact/write-day';
import type { StoredChunk } from '../manifest/stored-chunks';
import { mapLimit } from '../util/map-limit';
import { erasedIn, erasureFilter } from './erased-actors';

export interface PurgeOptions extends Omit<WriteDayOptions, 'keep'> {
  /**
   * Writer chunks written to the day after its compaction (each writer's chunks past those the compacted
   * day holds): when one names an erased actor, or the day is purged anyway, all are re-encoded into the
   * new generation, so that its sweep then deletes them. @default none
   */
  readonly late?: readonly StoredChunk[];
  /** Late chunks opened at once, and read ahead of the merge. @default 8 */
  readonly concurrency?: number;
}

export type PurgeOutcome =
  | { readonly status: 'clean' }
  | { readonly status: 'purged'; readonly meta: ReencodedDayMeta; readonly erased: number }
  /** Another compaction or purge replaced the metadata first: this pass committed nothing, the next one purges. */
  | { readonly status: 'raced' };

/**
 * Re-encodes a compacted day (format 1 or 2) and its late chunks without the events that name an
 * erased actor, as compaction encodes a day (format 2: a fresh day dictionary sampled from kept texts
 * only, actor columns naming only kept events' actors), each kept event keeping its (writer, seq,
 * ordinal), so every cursor stays valid. It commits a new generation by replacing the metadata read at
 * `stored.etag` only if unchanged. The replaced generation stays for queries under way and is deleted
 * by sweepOldGenerations after the grace period. Safe to retry: the generation is a hash of the old
 * one, the erased actors it held and the late chunks, so a rerun writes the same keys and bytes, and a
 * committed purge leaves a day naming no erased actor ('clean').
 */
export async function purgeCompactedDay(
  ctx: CompactContext,
  stored: { readonly meta: CompactMeta; readonly etag: string },
  erased: ReadonlySet<number>,
  options: PurgeOptions,
): Promise<PurgeOutcome> {
  const { meta } = stored;
  const { late = [], concurrency = 8 } = options;
  const day = await openCompactedDay(ctx, meta);
  const chunks = withLateChunks(day.chunks, late);
  const number = sourceNumbers(chunks);
  const lateSources = await mapLimit(late, concurrency, (chunk) =>
    openSource(ctx.s3, ctx.bucket, ctx.zstd, chunk, number(chunk.writer, chunk.record.seq)),
  );
  const present = new Set([
    ...(day.index ? erasedIn(day.index, erased) : []),
    ...lateSources.flatMap(({ index }) => erasedIn(index, erased)),
  ]);
  if (present.size === 0) return { status: 'clean' };
  const keep = erasureFilter(erased, present);
  const generation = purgeGeneration(meta, keep.id, late, options);
  const input = compactedDayInput(ctx, day, chunks, lateSources, concurrency);
  const written = await writeDay(ctx, meta.day, generation, input, { ...options, keep }, stored.etag);
  if (written.status === 'raced') return written;
  return { status: 'purged', meta: written.meta, erased: written.stats.dropped };
}

/** Names the purged day's objects by what makes their bytes: the replaced generation, the filter, the late chunks and the encoding. */
function purgeGeneration(meta: CompactMeta, filter: string, late: readonly StoredChunk[], options: PurgeOptions): string {
  const { blockSize, level, dictionaryBytes } = options;
  const hash = createHash('sha256').update(
    `${meta.day} v2 purge ${meta.generation} ${filter} ${blockSize ?? ''} ${level ?? ''} ${dictionaryBytes ?? ''}`,
  );
  for (const { writer, record } of late) hash.update(`\n${writer} ${record.seq} ${record.etag}`);
  return hash.digest('hex').slice(0, 16);
}
