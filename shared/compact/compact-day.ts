import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listFolders } from '../aws/list-folders';
import type { BlockCompressor } from '../codec/zstd';
import type { TalesEvent } from '../event/types';
import { DAY_MS } from '../layout/day';
import type { KeyLayout } from '../layout/keys';
import { readManifest } from '../manifest/read-manifest';
import { type StoredChunk, storedChunks } from '../manifest/stored-chunks';
import { encodeActorSummary } from '../tier/actor-summary';
import { mapLimit } from '../util/map-limit';
import { sampleDayDictionary } from './day-dictionary';
import { DayEncoder, type DayEncodingOptions } from './day-encoder';
import { mergeDayEvents, openSource } from './day-events';
import { CompactionError } from './errors';
import { type CompactMeta, type DayWriter, encodeCompactMeta, type ReencodedDayMeta } from './meta';
import { MIN_PART_BYTES, PartUpload } from './part-upload';
import { readCompactMeta } from './read-meta';
import { encodeDaySources } from './sources-object';

export interface CompactContext {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
}

export interface CompactOptions extends DayEncodingOptions {
  readonly now: number;
  /** A day is closed this long after it ends (the ingest skew window plus the batching delay). @default 26 h */
  readonly closeAfterMs?: number;
  /** Compact even a day that is not closed yet (later chunks of it stay writer chunks). @default false */
  readonly force?: boolean;
  /**
   * Which events the re-encoded day keeps (the erasure purge drops events with it); a dropped event's
   * ordinal is simply absent, so every kept event keeps its position and cursor. `id` names the
   * filter in the generation, so a different filter writes other objects. @default - every event
   */
  readonly keep?: { readonly id: string; readonly test: (event: TalesEvent) => boolean };
  /** Raw bytes of the day's zstd dictionary, texts sampled across the day; 0 for none. @default 16384 */
  readonly dictionaryBytes?: number;
  /** Parts of the data object: every one but the last must reach S3's minimum. @default 5 MiB */
  readonly partBytes?: number;
  /** Source heads read at once, and source chunks whose blocks are read ahead of the merge. @default 8 */
  readonly concurrency?: number;
}

/** What a re-encoding read and wrote. */
export interface CompactStats {
  readonly sources: number;
  readonly entries: number;
  readonly blocks: number;
  readonly indexBytes: number;
  readonly dataBytes: number;
  readonly dataParts: number;
  readonly sourcesBytes: number;
}

export type CompactOutcome =
  | { readonly status: 'compacted'; readonly meta: ReencodedDayMeta; readonly stats: CompactStats }
  | { readonly status: 'already-compacted'; readonly meta: CompactMeta }
  | { readonly status: 'not-closed' | 'empty' };

export const CLOSE_AFTER_MS = 26 * 3_600_000;

/**
 * Re-encodes every writer chunk of `day` into one time-ordered index object and one data object (see
 * docs/format.md, Compacted day), then commits by writing the metadata. Entries stream through in day
 * order (time, writer, seq, ordinal), each keeping its source's (writer, seq, ordinal), so results and
 * cursors are those of the writer chunks. Safe to retry at any point: objects are named by a hash of the
 * sources and the encoding, so a retry rewrites the same keys with the same bytes, and a committed day
 * is left alone.
 */
export async function compactDay(ctx: CompactContext, day: number, options: CompactOptions): Promise<CompactOutcome> {
  const { closeAfterMs = CLOSE_AFTER_MS, force = false, concurrency = 8 } = options;
  const committed = await readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day);
  if (committed) return { status: 'already-compacted', meta: committed };
  const refs = await writerChunks(ctx, day, concurrency);
  if (refs.length === 0) return { status: 'empty' };
  if (!force && (day + 1) * DAY_MS + closeAfterMs > options.now) return { status: 'not-closed' };
  const generation = generationOf(day, refs, options);
  const sources = await mapLimit(refs, concurrency, (ref, n) => openSource(ctx.s3, ctx.bucket, ctx.zstd, ref, n));
  const dictionary = await sampleDayDictionary(ctx, sources, options.dictionaryBytes ?? 16_384);

  const keys = {
    data: ctx.layout.compactDataKey(day, generation),
    index: ctx.layout.compactIndexKey(day, generation),
    sources: ctx.layout.compactSourcesKey(day, generation),
  };
  const data = new PartUpload(ctx.s3, ctx.bucket, keys.data, options.partBytes ?? MIN_PART_BYTES);
  try {
    const encoder = new DayEncoder(day, ctx.zstd, dictionary, (bytes) => data.write(bytes), options);
    const keep = options.keep?.test ?? (() => true);
    const actors = new Set<number>();
    for await (const event of mergeDayEvents(ctx.s3, ctx.bucket, ctx.zstd, sources, { readAhead: concurrency })) {
      if (!keep(event)) continue;
      await encoder.add(event);
      for (const actor of event.actors) actors.add(actor);
    }
    if (encoder.count === 0)
      throw new CompactionError('the filter dropped every event of the day: nothing to commit', ctx.layout.compactMetaKey(day));
    const encoded = await encoder.finish(sources.length);
    const dataEtag = await data.finish();
    const putIndex = await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: keys.index, Body: encoded.index }));
    const writers = writersOf(refs);
    const sourcesBody = encodeDaySources({
      day,
      generation,
      writers: writers.map(({ writer }) => ({ writer, etags: refs.filter((ref) => ref.writer === writer).map((ref) => ref.record.etag) })),
    });
    const putSources = await ctx.s3.send(
      new PutObjectCommand({ Bucket: ctx.bucket, Key: keys.sources, Body: sourcesBody, ContentType: 'application/json' }),
    );
    const meta: ReencodedDayMeta = {
      version: 2,
      day,
      generation,
      headSize: encoded.headSize,
      indexSize: encoded.index.length,
      indexEtag: putIndex.ETag ?? '',
      dataSize: encoded.dataSize,
      dataEtag,
      entries: encoded.entries,
      minTime: encoded.minTime,
      maxTime: encoded.maxTime,
      writers,
      sourcesEtag: putSources.ETag ?? '',
      committedAt: options.now,
      actors: encodeActorSummary(actors),
    };
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: ctx.layout.compactMetaKey(day),
        Body: encodeCompactMeta(meta),
        ContentType: 'application/json',
      }),
    );
    const stats: CompactStats = {
      sources: sources.length,
      entries: encoded.entries,
      blocks: encoded.blocks,
      indexBytes: encoded.index.length,
      dataBytes: encoded.dataSize,
      dataParts: data.stats.parts,
      sourcesBytes: Buffer.byteLength(sourcesBody),
    };
    return { status: 'compacted', meta, stats };
  } catch (error) {
    // Nothing is committed: remove what this run wrote, so a day whose sources change leaves no orphan.
    await data.abort();
    await ctx.s3
      .send(
        new DeleteObjectsCommand({
          Bucket: ctx.bucket,
          Delete: { Objects: [{ Key: keys.data }, { Key: keys.index }, { Key: keys.sources }], Quiet: true },
        }),
      )
      .catch(() => undefined);
    throw error;
  }
}

/** Every chunk of the day's writers, in (writer, seq) order (the merger folds them too). */
export async function writerChunks(ctx: CompactContext, day: number, concurrency: number): Promise<StoredChunk[]> {
  const writers: string[] = [];
  for await (const folder of listFolders(ctx.s3, ctx.bucket, ctx.layout.writersPrefix(day)))
    writers.push(ctx.layout.writerOfPrefix(day, folder));
  writers.sort();
  const manifests = await mapLimit(writers, concurrency, (writer) =>
    readManifest(ctx.s3, ctx.bucket, ctx.layout.manifestKey(day, writer), writer, day),
  );
  return storedChunks(ctx.layout, manifests);
}

/** Each writer with how many chunks it has, in (writer) order: what numbers the sources. */
function writersOf(refs: readonly StoredChunk[]): DayWriter[] {
  const writers: DayWriter[] = [];
  for (const { writer } of refs) {
    const last = writers[writers.length - 1];
    if (last && last.writer === writer) writers[writers.length - 1] = { writer, chunks: last.chunks + 1 };
    else writers.push({ writer, chunks: 1 });
  }
  return writers;
}

/** Names the day's objects by what makes their bytes: the sources and the encoding's settings. */
function generationOf(day: number, refs: readonly StoredChunk[], options: CompactOptions): string {
  const { blockSize, level, dictionaryBytes, keep } = options;
  const hash = createHash('sha256').update(`${day} v2 ${blockSize ?? ''} ${level ?? ''} ${dictionaryBytes ?? ''} ${keep?.id ?? ''}`);
  for (const { writer, record } of refs) hash.update(`\n${writer} ${record.seq} ${record.etag}`);
  return hash.digest('hex').slice(0, 16);
}
