import type { BuiltChunk } from '../chunk/builder';
import { DAY_MS, dayName } from '../layout/day';
import { compareSequenceNumbers } from './sequence-number';

/** One chunk of a writer-day, as its manifest records it. */
export interface ChunkRecord {
  readonly seq: number;
  readonly entries: number;
  readonly minTime: number;
  readonly maxTime: number;
  /** Bytes of header + directory: the first ranged GET. */
  readonly headSize: number;
  /** Bytes of header + directory + bitmaps: where blocks start. */
  readonly indexSize: number;
  readonly size: number;
  readonly etag: string;
  /** Highest Kinesis sequence number whose event this chunk (or an earlier one) holds. */
  readonly watermark: string;
  /**
   * Lowest Kinesis sequence number whose event this chunk holds. The chunk holds every record of its
   * day from `first` to `watermark`, so a record in no chunk's range is not durable here (replay
   * relies on it). Absent in manifests written before it was recorded.
   */
  readonly first?: string;
}

/** The record of `built`, stored at sequence `seq` with `etag`, holding the day's events of Kinesis sequence numbers `first`..`watermark`. */
export function chunkRecordOf(built: BuiltChunk, seq: number, etag: string, first: string, watermark: string): ChunkRecord {
  return {
    seq,
    entries: built.entryCount,
    minTime: built.minTime,
    maxTime: built.maxTime,
    headSize: built.headSize,
    indexSize: built.indexSize,
    size: built.bytes.length,
    etag,
    watermark,
    first,
  };
}

/** The writer-day manifest: the only mutable object, rewritten by its single writer. */
export interface Manifest {
  readonly writer: string;
  readonly day: number;
  readonly chunks: readonly ChunkRecord[];
}

/** Highest Kinesis sequence number already durable for this writer-day; undefined when none. */
export function watermarkOf(manifest: Manifest | undefined): string | undefined {
  return manifest?.chunks[manifest.chunks.length - 1]?.watermark;
}

export function nextSequence(manifest: Manifest | undefined): number {
  return manifest?.chunks.length ?? 0;
}

/**
 * The manifest with one more chunk; the chunk must carry the next sequence and a watermark not below
 * the last. Only the new chunk is checked (the others were when they were added or decoded): a batch
 * late in a day of small batches does not check the day's thousands of chunks again.
 */
export function appendChunk(manifest: Manifest, chunk: ChunkRecord): Manifest {
  checkChunk(manifest.day, chunk, manifest.chunks.length, manifest.chunks[manifest.chunks.length - 1]);
  return { ...manifest, chunks: [...manifest.chunks, chunk] };
}

/** Checks every chunk of a decoded manifest: sequences, times within the day, sizes, watermarks. */
export function checkChunks(manifest: Manifest): void {
  manifest.chunks.forEach((chunk, i) => {
    checkChunk(manifest.day, chunk, i, manifest.chunks[i - 1]);
  });
}

function checkChunk(day: number, chunk: ChunkRecord, i: number, previous: ChunkRecord | undefined): void {
  const dayStart = day * DAY_MS;
  if (chunk.seq !== i) throw new Error(`chunk ${i} has sequence ${chunk.seq}; sequences must count up from 0`);
  if (chunk.entries < 1) throw new Error(`chunk ${i} has no entries`);
  if (chunk.minTime < dayStart || chunk.maxTime >= dayStart + DAY_MS || chunk.minTime > chunk.maxTime) {
    throw new Error(`chunk ${i} times ${chunk.minTime}..${chunk.maxTime} are not within ${dayName(day)}`);
  }
  if (!(chunk.headSize <= chunk.indexSize && chunk.indexSize < chunk.size)) {
    throw new Error(`chunk ${i} sizes are inconsistent (head ${chunk.headSize}, index ${chunk.indexSize}, object ${chunk.size})`);
  }
  if (chunk.first !== undefined && compareSequenceNumbers(chunk.first, chunk.watermark) > 0) {
    throw new Error(`chunk ${i} first ${chunk.first} is above its watermark`);
  }
  if (previous && compareSequenceNumbers(chunk.watermark, previous.watermark) < 0) {
    throw new Error(`chunk ${i} watermark goes backwards`);
  }
}
