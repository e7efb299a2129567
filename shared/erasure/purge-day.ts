import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Source } from '../aws/s3-source';
import { buildChunk } from '../chunk/builder';
import type { ChunkIndex } from '../chunk/chunk-index';
import { writeIndex } from '../chunk/index-writer';
import type { ChunkOptions } from '../chunk/options';
import { openChunk, readEntries } from '../chunk/reader';
import { concatBytes } from '../codec/bytes';
import { type CompactContext, mergeIndexes } from '../compact/compact-day';
import { matchesMeta } from '../compact/compacted-day';
import { CompactionError } from '../compact/errors';
import { type CompactMeta, type CompactSource, encodeCompactMeta } from '../compact/meta';
import { decodeSourceIndex, type SourceIndex } from '../compact/read-source';
import type { TalesEvent } from '../event/types';
import { checkChunk } from '../manifest/check-chunk';
import type { StoredChunk } from '../manifest/stored-chunks';
import { erasedIn } from './erased-actors';

export interface PurgeOptions {
  readonly now: number;
  /** How the rebuilt sources are encoded. @default the chunk defaults */
  readonly chunkOptions?: ChunkOptions;
  /**
   * Writer chunks written to the day after its compaction (each writer's chunks past those the metadata
   * covers): when one names an erased actor, or the day is purged anyway, all are folded into the new
   * generation, so that the sweep then deletes them. @default none
   */
  readonly late?: readonly StoredChunk[];
}

export type PurgeOutcome =
  | { readonly status: 'clean' }
  | { readonly status: 'purged'; readonly meta: CompactMeta; readonly erased: number };

/**
 * Rewrites a compacted day without the events that name an erased actor: every source is read from
 * the compacted form, its erased entries become tombstones (time only: no actor, no text, so the
 * entries after them keep their ordinals and every cursor stays valid), it is re-encoded with the
 * chunk builder (fresh blocks and dictionary, so no erased text survives in either), and the sources
 * are merged into a new generation as compaction merges them. The new metadata is the commit; the
 * old generation is removed later by sweepOldGenerations, once queries under way are done with it.
 * Late writer chunks (options.late) join as sources of their writers, each rebuilt the same way.
 * Safe to retry: the generation is a hash of the old one, the erased actors it held and the late
 * chunks, so a rerun writes the same keys, and a committed purge leaves a day with no erased actor ('clean').
 */
export async function purgeCompactedDay(
  ctx: CompactContext,
  meta: CompactMeta,
  erased: ReadonlySet<number>,
  options: PurgeOptions,
): Promise<PurgeOutcome> {
  const indexKey = ctx.layout.compactIndexKey(meta.day, meta.generation);
  const index = await openChunk(s3Source(ctx.s3, ctx.bucket, indexKey), ctx.zstd, meta.headSize);
  if (!matchesMeta(index, meta)) throw new CompactionError('compacted index does not match its metadata', indexKey);
  const present = erasedIn(index, erased);
  const late = [...(options.late ?? [])];
  const lateIndexes = await Promise.all(
    late.map((chunk) => openChunk(s3Source(ctx.s3, ctx.bucket, chunk.key), ctx.zstd, chunk.record.headSize)),
  );
  if (present.length === 0 && lateIndexes.every((lateIndex) => erasedIn(lateIndex, erased).length === 0)) return { status: 'clean' };
  const generation = purgeGeneration(meta, present, late);
  const sources: { writer: string; seq: number; etag: string; events: () => Promise<TalesEvent[]> }[] = [
    ...meta.sources.map((source) => ({ ...source, events: () => sourceEvents(ctx, meta, index, source) })),
    ...late.map((chunk, i) => ({
      writer: chunk.writer,
      seq: chunk.record.seq,
      etag: chunk.record.etag,
      events: () => chunkEvents(ctx, chunk, lateIndexes[i] as ChunkIndex),
    })),
  ].sort((a, b) => (a.writer === b.writer ? a.seq - b.seq : a.writer < b.writer ? -1 : 1));
  const rebuilt: SourceIndex[] = [];
  const blocks: Uint8Array[] = [];
  let tombstones = 0;
  for (const source of sources) {
    const kept = (await source.events()).map((event) => {
      if (!event.actors.some((actor) => erased.has(actor))) return event;
      tombstones++;
      return { time: event.time, actors: [], text: '' };
    });
    const built = buildChunk(kept, ctx.zstd, options.chunkOptions);
    const record = {
      seq: source.seq,
      entries: built.entryCount,
      minTime: built.minTime,
      maxTime: built.maxTime,
      headSize: built.headSize,
      indexSize: built.indexSize,
      size: built.bytes.length,
      etag: source.etag,
      watermark: '0',
    };
    const key = `${ctx.layout.compactPrefix(meta.day)}${generation}#${source.writer}/${source.seq}`;
    rebuilt.push(
      await decodeSourceIndex(built.bytes.subarray(0, built.indexSize), ctx.zstd, { day: meta.day, writer: source.writer, key, record }),
    );
    blocks.push(built.bytes.subarray(built.indexSize));
  }
  const merged = mergeIndexes(rebuilt);
  const written = writeIndex({ day: meta.day, inlineMax: 4, level: 5, ...merged }, ctx.zstd);
  const putData = await ctx.s3.send(
    new PutObjectCommand({ Bucket: ctx.bucket, Key: ctx.layout.compactDataKey(meta.day, generation), Body: concatBytes(blocks) }),
  );
  const putIndex = await ctx.s3.send(
    new PutObjectCommand({ Bucket: ctx.bucket, Key: ctx.layout.compactIndexKey(meta.day, generation), Body: written.bytes }),
  );
  const purged: CompactMeta = {
    day: meta.day,
    generation,
    headSize: written.directoryEnd,
    indexSize: written.indexSize,
    indexEtag: putIndex.ETag ?? '',
    dataSize: merged.blocksSize,
    dataEtag: putData.ETag ?? '',
    sources: merged.sources,
    committedAt: options.now,
  };
  await ctx.s3.send(
    new PutObjectCommand({
      Bucket: ctx.bucket,
      Key: ctx.layout.compactMetaKey(meta.day),
      Body: encodeCompactMeta(purged),
      ContentType: 'application/json',
    }),
  );
  return { status: 'purged', meta: purged, erased: tombstones };
}

/** Every entry of one source of the compacted day, in ordinal order. */
async function sourceEvents(ctx: CompactContext, meta: CompactMeta, index: ChunkIndex, source: CompactSource): Promise<TalesEvent[]> {
  const ordinals = Uint32Array.from({ length: source.entries }, (_, i) => source.base + i);
  const indexSource = s3Source(ctx.s3, ctx.bucket, ctx.layout.compactIndexKey(meta.day, meta.generation));
  const data = s3Source(ctx.s3, ctx.bucket, ctx.layout.compactDataKey(meta.day, meta.generation));
  const events: TalesEvent[] = [];
  for await (const { time, actors, text } of readEntries(index, indexSource, ordinals, ctx.zstd, {
    blocksAt: { source: data, offset: 0 },
  })) {
    events.push({ time, actors, text });
  }
  if (events.length !== source.entries) {
    throw new CompactionError(`source ${source.writer}/${source.seq} gave ${events.length} of its ${source.entries} entries`, data.key);
  }
  return events;
}

function purgeGeneration(meta: CompactMeta, present: readonly number[], late: readonly StoredChunk[]): string {
  const hash = createHash('sha256').update(`purge ${meta.generation} ${present.join(',')}`);
  for (const { writer, record } of late) hash.update(`\n${writer} ${record.seq} ${record.etag}`);
  return hash.digest('hex').slice(0, 16);
}

/** Every entry of a writer chunk, in ordinal order. */
async function chunkEvents(ctx: CompactContext, chunk: StoredChunk, index: ChunkIndex): Promise<TalesEvent[]> {
  checkChunk(index, chunk.key, chunk.record, chunk.day);
  const ordinals = Uint32Array.from({ length: index.entryCount }, (_, i) => i);
  const events: TalesEvent[] = [];
  for await (const { time, actors, text } of readEntries(index, s3Source(ctx.s3, ctx.bucket, chunk.key), ordinals, ctx.zstd)) {
    events.push({ time, actors, text });
  }
  return events;
}
