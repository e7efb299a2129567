import { s3Source } from '../aws/s3-source';
import type { ChunkIndex } from '../chunk/chunk-index';
import type { OriginEvent } from '../chunk/day-block';
import type { BlockEntry } from '../chunk/directory';
import { openChunk, readEntries } from '../chunk/reader';
import { concatBytes } from '../codec/bytes';
import { OrdinalSet } from '../codec/ordinal-set';
import type { StoredChunk } from '../manifest/stored-chunks';
import type { CompactContext } from './compact-day';
import { matchesMeta } from './compacted-day';
import { type OpenSource, sourceStreams } from './day-events';
import type { DayChunk, DayInput, TextSample } from './day-input';
import { CompactionError } from './errors';
import { type DayStream, mergeStreams } from './merge-streams';
import { type CompactMeta, sourceOf } from './meta';
import { sourceSample } from './source-sample';
import { reencodedSources } from './sweep';

/** A committed compacted day opened to be re-encoded: its index (none when it holds no event) and the chunks it holds. */
export interface OpenCompactedDay {
  readonly meta: CompactMeta;
  readonly index?: ChunkIndex;
  /** In (writer, seq) order: the day's source numbers. */
  readonly chunks: readonly DayChunk[];
}

const encoder = new TextEncoder();

/** Reads a compacted day's head (checked against its metadata) and the chunks it holds (format 2: from its sources object). */
export async function openCompactedDay(ctx: CompactContext, meta: CompactMeta): Promise<OpenCompactedDay> {
  const chunks =
    meta.version === 1 ? meta.sources.map(({ writer, seq, etag }) => ({ writer, seq, etag })) : await reencodedSources(ctx, meta);
  if (meta.version === 2 && meta.entries === 0) return { meta, chunks };
  const key = ctx.layout.compactIndexKey(meta.day, meta.generation);
  const index = await openChunk(s3Source(ctx.s3, ctx.bucket, key), ctx.zstd, meta.headSize);
  if (!matchesMeta(index, meta)) throw new CompactionError('compacted index does not match its metadata', key);
  return { meta, index, chunks };
}

/** The day's chunks with those written after its compaction, in (writer, seq) order: the new day's source numbers. */
export function withLateChunks(chunks: readonly DayChunk[], late: readonly StoredChunk[]): DayChunk[] {
  const all = [...chunks, ...late.map(({ writer, record }) => ({ writer, seq: record.seq, etag: record.etag }))];
  return all.sort((a, b) => (a.writer === b.writer ? a.seq - b.seq : a.writer < b.writer ? -1 : 1));
}

/** Source numbers of `chunks` by (writer, seq). */
export function sourceNumbers(chunks: readonly DayChunk[]): (writer: string, seq: number) => number {
  const numbers = new Map(chunks.map((chunk, n) => [`${chunk.writer}/${chunk.seq}`, n]));
  return (writer, seq) => {
    const n = numbers.get(`${writer}/${seq}`);
    if (n === undefined) throw new RangeError(`no source ${writer}/${seq}`);
    return n;
  };
}

/**
 * A compacted day (either format) and the writer chunks written to it since (`late`, opened with their
 * numbers among `chunks`), read as one day: every entry keeps its (writer, seq, ordinal), renumbered
 * into `chunks`, so the re-encoded day answers every cursor as before. The dictionary is sampled from
 * the compacted day's blocks and the late chunks.
 */
export function compactedDayInput(
  ctx: CompactContext,
  day: OpenCompactedDay,
  chunks: readonly DayChunk[],
  late: readonly OpenSource[],
  readAhead: number,
): DayInput {
  const number = sourceNumbers(chunks);
  const { meta, index } = day;
  const blocks = index ? compactedBlocks(ctx, meta, index) : undefined;
  const streams: DayStream[] = [];
  if (blocks && meta.version === 2) {
    streams.push({
      minTime: meta.minTime,
      firstSource: 0,
      start: () =>
        blocks.events(0, meta.entries, (entry) => {
          const origin = entry.origin && sourceOf(meta, entry.origin.source);
          if (!origin || !entry.origin) throw new CompactionError(`entry ${entry.ordinal} has no source`, blocks.key);
          return { source: number(origin.writer, origin.seq), ordinal: entry.origin.ordinal };
        }),
    });
  } else if (blocks && meta.version === 1) {
    for (const source of meta.sources) {
      const n = number(source.writer, source.seq);
      streams.push({
        minTime: source.minTime,
        firstSource: n,
        start: () =>
          blocks.events(source.base, source.base + source.entries, (entry) => ({ source: n, ordinal: entry.ordinal - source.base })),
      });
    }
  }
  streams.push(...sourceStreams(ctx.s3, ctx.bucket, ctx.zstd, late, { readAhead }));
  return {
    chunks,
    samples: [...(blocks?.samples ?? []), ...late.map((source) => sourceSample(ctx.s3, ctx.bucket, ctx.zstd, source))],
    events: () => mergeStreams(streams),
  };
}

/** A compacted day's entries by day ordinal, and each of its blocks as a dictionary sample. */
function compactedBlocks(ctx: CompactContext, meta: CompactMeta, index: ChunkIndex) {
  const key = ctx.layout.compactIndexKey(meta.day, meta.generation);
  const indexSource = s3Source(ctx.s3, ctx.bucket, key);
  const blocksAt = { source: s3Source(ctx.s3, ctx.bucket, ctx.layout.compactDataKey(meta.day, meta.generation)), offset: 0 };
  const entries = (from: number, to: number) =>
    readEntries(index, indexSource, OrdinalSet.of(Uint32Array.from({ length: to - from }, (_, i) => from + i)), ctx.zstd, { blocksAt });
  return {
    key,
    async *events(
      from: number,
      to: number,
      originOf: (entry: { ordinal: number; origin?: { source: number; ordinal: number } }) => { source: number; ordinal: number },
    ): AsyncGenerator<OriginEvent> {
      for await (const entry of entries(from, to)) yield { time: entry.time, actors: entry.actors, text: entry.text, ...originOf(entry) };
    },
    samples: index.blocks.map(
      (entry: BlockEntry): TextSample => ({
        minTime: index.dayStart + entry.minTime,
        async texts(keep) {
          const texts: Uint8Array[] = [];
          for await (const row of entries(entry.first, entry.first + entry.count))
            if (keep?.(row) ?? true) texts.push(encoder.encode(row.text));
          return concatBytes(texts);
        },
      }),
    ),
  };
}
