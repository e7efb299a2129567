import type { BuiltChunk } from '../chunk/builder';
import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import { DAY_MS, dayName, parseDayName } from '../layout/day';
import { checkWriter } from '../layout/keys';
import { compareSequenceNumbers, isSequenceNumber } from './sequence-number';

export const MANIFEST_FORMAT = 'tales.manifest';
export const MANIFEST_VERSION = 1;
export const MANIFEST_CONTENT_TYPE = 'application/json';

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
 * the last. Only the new chunk is checked (the others were when they were added or decoded), so an
 * append costs the same at the end of a day as at its start.
 */
export function appendChunk(manifest: Manifest, chunk: ChunkRecord): Manifest {
  checkChunk(manifest.day, chunk, manifest.chunks.length, manifest.chunks[manifest.chunks.length - 1]);
  return { ...manifest, chunks: [...manifest.chunks, chunk] };
}

export function encodeManifest(manifest: Manifest): string {
  return JSON.stringify({
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    writer: manifest.writer,
    day: dayName(manifest.day),
    chunks: manifest.chunks,
  });
}

/** Parses and validates a stored manifest; any fault is a CorruptError naming `key`. */
export function decodeManifest(text: string, key: string): Manifest {
  return decodeStoredJson(text, key, 'manifest', parse);
}

function parse(value: unknown): Manifest {
  const root = jsonObject(value, 'manifest');
  if (root.format !== MANIFEST_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${MANIFEST_FORMAT}"`);
  if (root.version !== MANIFEST_VERSION) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
  if (typeof root.writer !== 'string') throw new Error('writer must be a string');
  if (typeof root.day !== 'string') throw new Error('day must be a string');
  if (!Array.isArray(root.chunks)) throw new Error('chunks must be an array');
  const manifest: Manifest = {
    writer: checkWriter(root.writer),
    day: parseDayName(root.day),
    chunks: root.chunks.map((chunk, i) => parseChunk(chunk, i)),
  };
  checkChunks(manifest);
  return manifest;
}

function parseChunk(value: unknown, i: number): ChunkRecord {
  const chunk = jsonObject(value, `chunk ${i}`);
  const int = (name: string) => jsonInt(chunk, name, `chunk ${i} `);
  const etag = jsonString(chunk, 'etag', `chunk ${i} `);
  if (!isSequenceNumber(chunk.watermark)) throw new Error(`chunk ${i} watermark must be a Kinesis sequence number`);
  if (chunk.first !== undefined && !isSequenceNumber(chunk.first)) throw new Error(`chunk ${i} first must be a Kinesis sequence number`);
  return {
    seq: int('seq'),
    entries: int('entries'),
    minTime: int('minTime'),
    maxTime: int('maxTime'),
    headSize: int('headSize'),
    indexSize: int('indexSize'),
    size: int('size'),
    etag,
    watermark: chunk.watermark,
    ...(chunk.first !== undefined ? { first: chunk.first } : {}),
  };
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
