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
import { MinHeap } from '../util/heap';
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

interface Cursor {
  readonly source: OpenSource;
  /** The source's first time until it is started, then its current entry's. */
  time: number;
  ordinal: number;
  events?: AsyncGenerator<OriginEvent>;
  current?: OriginEvent;
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
export async function* mergeDayEvents(
  s3: S3Client,
  bucket: string,
  zstd: BlockCompressor,
  sources: readonly OpenSource[],
  options: DayMergeOptions = {},
): AsyncGenerator<OriginEvent> {
  const readAhead = options.readAhead ?? 8;
  const byStart = [...sources].sort((a, b) => a.index.minTime - b.index.minTime || a.number - b.number);
  const regions = new Map<number, Promise<Uint8Array>>();
  let fetched = 0;
  const region = (source: OpenSource) => {
    const { chunk } = source;
    return getRange(s3, bucket, chunk.key, chunk.record.etag, chunk.record.indexSize, chunk.record.size - chunk.record.indexSize);
  };
  const fetchUpTo = (count: number) => {
    for (; fetched < Math.min(count, byStart.length); fetched++) {
      const source = byStart[fetched] as OpenSource;
      const started = region(source);
      started.catch(() => undefined);
      regions.set(source.number, started);
    }
  };
  const heap = new MinHeap<Cursor>((a, b) => a.time - b.time || a.source.number - b.source.number || a.ordinal - b.ordinal);
  for (const source of sources) heap.push({ source, time: source.index.minTime, ordinal: -1 });
  let started = 0;
  for (let top = heap.pop(); top; top = heap.pop()) {
    if (!top.events) {
      started++;
      fetchUpTo(started + readAhead);
      const bytes = regions.get(top.source.number) ?? region(top.source);
      regions.delete(top.source.number);
      top.events = sourceEvents(zstd, top.source, bytes);
    } else if (top.current) {
      yield top.current;
    }
    const next = await top.events.next();
    if (next.done) continue;
    top.current = next.value;
    top.time = next.value.time;
    top.ordinal = next.value.ordinal;
    heap.push(top);
  }
}
