import { DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { putIfUnchanged } from '../aws/put-if-unchanged';
import type { CompactContext } from './compact-day';
import { sampleDayDictionary } from './day-dictionary';
import { DayEncoder, type DayEncodingOptions } from './day-encoder';
import type { DayChunk, DayInput, EventFilter } from './day-input';
import { type DayWriter, encodeCompactMeta, type ReencodedDayMeta } from './meta';
import { MIN_PART_BYTES, PartUpload } from './part-upload';
import { encodeDaySources } from './sources-object';

export interface WriteDayOptions extends DayEncodingOptions {
  readonly now: number;
  /** @default - every event */
  readonly keep?: EventFilter;
  /** Raw bytes of the day's zstd dictionary, texts sampled across the day; 0 for none. @default 16384 */
  readonly dictionaryBytes?: number;
  /** Parts of the data object: every one but the last must reach S3's minimum. @default 5 MiB */
  readonly partBytes?: number;
}

/** What a re-encoding read and wrote. */
export interface CompactStats {
  readonly sources: number;
  readonly entries: number;
  /** Events the filter dropped. */
  readonly dropped: number;
  readonly blocks: number;
  readonly indexBytes: number;
  readonly dataBytes: number;
  readonly dataParts: number;
  readonly sourcesBytes: number;
}

export type WrittenDay =
  | { readonly status: 'written'; readonly meta: ReencodedDayMeta; readonly stats: CompactStats }
  /** Another run committed the day's metadata first: nothing of this one is committed. */
  | { readonly status: 'raced' };

/**
 * Re-encodes `input` into the day's objects of `generation` (data, index, sources; see docs/format.md,
 * Compacted day) and commits them by writing the metadata, on the condition that it is still the one
 * this run replaces (none for a compaction), so a concurrent compaction or purge is never lost. A day
 * whose every event the filter drops is committed empty: its metadata and sources object, no index or
 * data object (queries read nothing of it; the sweep still deletes its chunks). On a failure before the
 * commit, what this run wrote is removed; a lost race leaves it for the generations sweep (the objects
 * may be the winner's, when both wrote the same generation).
 */
export async function writeDay(
  ctx: CompactContext,
  day: number,
  generation: string,
  input: DayInput,
  options: WriteDayOptions,
  /** ETag of the metadata the commit replaces; undefined: the day has none. */
  replaces: string | undefined,
): Promise<WrittenDay> {
  const keys = {
    data: ctx.layout.compactDataKey(day, generation),
    index: ctx.layout.compactIndexKey(day, generation),
    sources: ctx.layout.compactSourcesKey(day, generation),
  };
  const data = new PartUpload(ctx.s3, ctx.bucket, keys.data, options.partBytes ?? MIN_PART_BYTES);
  let written: { readonly meta: ReencodedDayMeta; readonly stats: CompactStats };
  try {
    written = await writeObjects(ctx, day, generation, input, options, data);
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
  // Outside the clean-up: a commit whose answer is lost may have landed, and then its objects are the day's.
  const body = encodeCompactMeta(written.meta);
  if (!(await putIfUnchanged(ctx.s3, ctx.bucket, ctx.layout.compactMetaKey(day), body, replaces))) return { status: 'raced' };
  return { status: 'written', meta: written.meta, stats: written.stats };
}

/** The data, index and sources objects of the generation, and the metadata that would commit them. */
async function writeObjects(
  ctx: CompactContext,
  day: number,
  generation: string,
  input: DayInput,
  options: WriteDayOptions,
  data: PartUpload,
): Promise<{ meta: ReencodedDayMeta; stats: CompactStats }> {
  const keep = options.keep?.test;
  const dictionary = await sampleDayDictionary(input.samples, options.dictionaryBytes ?? 16_384, keep);
  const encoder = new DayEncoder(day, ctx.zstd, dictionary, (bytes) => data.write(bytes), options);
  let dropped = 0;
  for await (const event of input.events()) {
    if (!keep || keep(event)) await encoder.add(event);
    else dropped++;
  }
  const indexKey = ctx.layout.compactIndexKey(day, generation);
  const objects = encoder.count === 0 ? await abandoned(data) : await finishObjects(ctx, indexKey, encoder, data, input.chunks.length);
  const writers = writersOf(input.chunks);
  const sourcesBody = encodeDaySources({
    day,
    generation,
    writers: writers.map(({ writer }) => ({
      writer,
      etags: input.chunks.filter((chunk) => chunk.writer === writer).map((chunk) => chunk.etag),
    })),
  });
  const sourcesKey = ctx.layout.compactSourcesKey(day, generation);
  const putSources = await ctx.s3.send(
    new PutObjectCommand({ Bucket: ctx.bucket, Key: sourcesKey, Body: sourcesBody, ContentType: 'application/json' }),
  );
  const meta: ReencodedDayMeta = {
    version: 2,
    day,
    generation,
    ...objects.sizes,
    writers,
    sourcesEtag: putSources.ETag ?? '',
    committedAt: options.now,
  };
  const stats: CompactStats = {
    sources: input.chunks.length,
    entries: meta.entries,
    dropped,
    blocks: objects.blocks,
    indexBytes: meta.indexSize,
    dataBytes: meta.dataSize,
    dataParts: objects.parts,
    sourcesBytes: Buffer.byteLength(sourcesBody),
  };
  return { meta, stats };
}

interface WrittenObjects {
  readonly sizes: Pick<
    ReencodedDayMeta,
    'headSize' | 'indexSize' | 'indexEtag' | 'dataSize' | 'dataEtag' | 'entries' | 'minTime' | 'maxTime'
  >;
  readonly blocks: number;
  readonly parts: number;
}

/** The index object after the data object, whose parts the encoder has been sending. */
async function finishObjects(
  ctx: CompactContext,
  indexKey: string,
  encoder: DayEncoder,
  data: PartUpload,
  sourceCount: number,
): Promise<WrittenObjects> {
  const encoded = await encoder.finish(sourceCount);
  const dataEtag = await data.finish();
  const putIndex = await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: indexKey, Body: encoded.index }));
  const { headSize, dataSize, entries, minTime, maxTime } = encoded;
  const sizes = {
    headSize,
    indexSize: encoded.index.length,
    indexEtag: putIndex.ETag ?? '',
    dataSize,
    dataEtag,
    entries,
    minTime,
    maxTime,
  };
  return { sizes, blocks: encoded.blocks, parts: data.stats.parts };
}

/** An empty day: no index or data object (the upload, if any part was sent, is aborted). */
async function abandoned(data: PartUpload): Promise<WrittenObjects> {
  await data.abort();
  const sizes = { headSize: 0, indexSize: 0, indexEtag: '', dataSize: 0, dataEtag: '', entries: 0, minTime: 0, maxTime: 0 };
  return { sizes, blocks: 0, parts: 0 };
}

/** Each writer with how many chunks it has, in (writer) order: what numbers the sources. */
function writersOf(chunks: readonly DayChunk[]): DayWriter[] {
  const writers: DayWriter[] = [];
  for (const { writer } of chunks) {
    const last = writers[writers.length - 1];
    if (last && last.writer === writer) writers[writers.length - 1] = { writer, chunks: last.chunks + 1 };
    else writers.push({ writer, chunks: 1 });
  }
  return writers;
}
