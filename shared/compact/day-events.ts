import type { S3Client } from '@aws-sdk/client-s3';
import { BlockRows } from '../chunk/block';
import { ChunkIndex } from '../chunk/chunk-index';
import type { OriginEvent } from '../chunk/day-block';
import { memorySource } from '../chunk/source';
import { verifyCrc32 } from '../codec/checksum';
import { withKey } from '../codec/errors';
import type { BlockCompressor } from '../codec/zstd';
import { checkChunk } from '../manifest/check-chunk';
import type { StoredChunk } from '../manifest/stored-chunks';
import { type DayStream, mergeStreams } from './merge-streams';
import { getRange } from './read-source';

/** A source chunk whose head is read: what the merge needs before it reads the chunk's blocks. */
export interface OpenSource {
  readonly number: number;
  readonly chunk: StoredChunk;
  readonly index: ChunkIndex;
  readonly dictionaries: readonly Uint8Array[];
}

/** Reads a source chunk's index section (one GET bound to the manifest's ETag) and checks it against its manifest entry. */
export async function openSource(
  s3: S3Client,
  bucket: string,
  zstd: BlockCompressor,
  chunk: StoredChunk,
  number: number,
): Promise<OpenSource> {
  const bytes = await getRange(s3, bucket, chunk.key, chunk.record.etag, 0, chunk.record.indexSize);
  const index = ChunkIndex.parse(chunk.key, bytes, zstd);
  checkChunk(index, chunk.key, chunk.record, chunk.day);
  const inMemory = memorySource(chunk.key, bytes);
  const dictionaries = await Promise.all(index.directory.dictionaries.map((_, n) => index.dictionary(n, inMemory)));
  return { number, chunk, index, dictionaries };
}

/** A source chunk's entries in ordinal (time) order, its blocks region read once and decoded a block at a time. */
async function* sourceEvents(zstd: BlockCompressor, source: OpenSource, region: Promise<Uint8Array>): AsyncGenerator<OriginEvent> {
  const { index, chunk, number } = source;
  const bytes = await region;
  for (const [b, entry] of index.blocks.entries()) {
    const rows: BlockRows = withKey(chunk.key, () => {
      const compressed = bytes.subarray(entry.offset, entry.offset + entry.size);
      verifyCrc32(compressed, entry.crc, `block ${b}`);
      const raw = zstd.decompress(compressed, entry.rawSize, entry.dictionary < 0 ? undefined : source.dictionaries[entry.dictionary]);
      return BlockRows.decode(raw, entry.count, index.dayStart + entry.minTime, index.dayStart + entry.maxTime);
    });
    for (let i = 0; i < entry.count; i++) {
      const { time, actors, text } = withKey(chunk.key, () => rows.row(i, entry.first + i));
      yield { time, actors, text, source: number, ordinal: entry.first + i };
    }
  }
}

export interface DayMergeOptions {
  /** Source chunks whose blocks are read ahead of the merge, beyond those it is reading. @default 8 */
  readonly readAhead?: number;
}

/**
 * Every entry of the sources in the day's order (time, writer, seq, ordinal), that is (time, source
 * number, ordinal) since sources are numbered in (writer, seq) order. A source's blocks are read only
 * when the merge reaches its first time (plus `readAhead` sources next in time order), and dropped once
 * it is done, so memory holds the sources that overlap in time, not the day.
 */
export function mergeDayEvents(
  s3: S3Client,
  bucket: string,
  zstd: BlockCompressor,
  sources: readonly OpenSource[],
  options: DayMergeOptions = {},
): AsyncGenerator<OriginEvent> {
  return mergeStreams(sourceStreams(s3, bucket, zstd, sources, options));
}

/** Each source as a stream of the day merge, its blocks region read when it starts or `readAhead` sources ahead of it. */
export function sourceStreams(
  s3: S3Client,
  bucket: string,
  zstd: BlockCompressor,
  sources: readonly OpenSource[],
  options: DayMergeOptions = {},
): DayStream[] {
  const readAhead = options.readAhead ?? 8;
  const byStart = [...sources].sort((a, b) => a.index.minTime - b.index.minTime || a.number - b.number);
  const regions = new Map<number, Promise<Uint8Array>>();
  let fetched = 0;
  let started = 0;
  const region = (source: OpenSource) => {
    const { chunk } = source;
    return getRange(s3, bucket, chunk.key, chunk.record.etag, chunk.record.indexSize, chunk.record.size - chunk.record.indexSize);
  };
  const fetchUpTo = (count: number) => {
    for (; fetched < Math.min(count, byStart.length); fetched++) {
      const source = byStart[fetched] as OpenSource;
      const reading = region(source);
      reading.catch(() => undefined);
      regions.set(source.number, reading);
    }
  };
  return sources.map((source) => ({
    minTime: source.index.minTime,
    firstSource: source.number,
    start: () => {
      started++;
      fetchUpTo(started + readAhead);
      const bytes = regions.get(source.number) ?? region(source);
      regions.delete(source.number);
      return sourceEvents(zstd, source, bytes);
    },
  }));
}
