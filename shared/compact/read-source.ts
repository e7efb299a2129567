import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ChunkIndex } from '../chunk/chunk-index';
import { memorySource } from '../chunk/source';
import { verifyCrc32 } from '../codec/checksum';
import { CorruptError, withKey } from '../codec/errors';
import { andOrdinals, checkOrdinalBitmap } from '../codec/roaring';
import type { BlockCompressor } from '../codec/zstd';
import { checkChunk } from '../manifest/check-chunk';
import type { ChunkRecord } from '../manifest/manifest';
import { CompactionError } from './errors';

/** A writer chunk's whole index, read for merging: every actor's ordinals and every dictionary. */
export interface SourceIndex {
  readonly writer: string;
  readonly key: string;
  readonly record: ChunkRecord;
  readonly index: ChunkIndex;
  readonly postings: ReadonlyMap<number, Uint32Array>;
  readonly dictionaries: readonly Uint8Array[];
}

/** Reads a chunk's index section (one GET, bound to the manifest's ETag) and decodes all of it. */
export async function readSourceIndex(
  s3: S3Client,
  bucket: string,
  zstd: BlockCompressor,
  source: { day: number; writer: string; key: string; record: ChunkRecord },
): Promise<SourceIndex> {
  const bytes = await getRange(s3, bucket, source.key, source.record.etag, 0, source.record.indexSize);
  return decodeSourceIndex(bytes, zstd, source);
}

/** A chunk's index section, decoded whole: what readSourceIndex reads, or a chunk built in memory (a purge). */
export async function decodeSourceIndex(
  bytes: Uint8Array,
  zstd: BlockCompressor,
  source: { day: number; writer: string; key: string; record: ChunkRecord },
): Promise<SourceIndex> {
  const { key, record } = source;
  const index = ChunkIndex.parse(key, bytes, zstd);
  checkChunk(index, key, record, source.day);
  return { ...source, index, ...(await indexContents(key, bytes, index)) };
}

/** Every actor's ordinals and every dictionary of an index whose whole index section `bytes` holds. */
export async function indexContents(
  key: string,
  bytes: Uint8Array,
  index: ChunkIndex,
): Promise<{ postings: Map<number, Uint32Array>; dictionaries: Uint8Array[] }> {
  const { directory } = index;
  const postings = new Map<number, Uint32Array>();
  withKey(key, () => {
    directory.actorIds.forEach((actor, i) => {
      const found = directory.postings(i);
      if (found.kind === 'inline') {
        postings.set(actor, found.ordinals);
        return;
      }
      if (found.kind === 'blocks') throw new CorruptError('a re-encoded day is not a merge input');
      const start = index.postingsOffset + found.offset;
      const bitmap = bytes.subarray(start, start + found.size);
      verifyCrc32(bitmap, found.crc, 'bitmap');
      checkOrdinalBitmap(bitmap, found.cardinality, index.entryCount);
      postings.set(actor, andOrdinals([bitmap], []));
    });
  });
  const inMemory = memorySource(key, bytes);
  const dictionaries = await Promise.all(directory.dictionaries.map((_, number) => index.dictionary(number, inMemory)));
  return { postings, dictionaries };
}

/** Bytes `offset..offset+length-1` of an object that must still have `etag`. */
export async function getRange(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const response = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag, Range: `bytes=${offset}-${offset + length - 1}` }),
    );
    bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NoSuchKey') throw new CompactionError('source chunk is missing', key);
    if (name === 'PreconditionFailed') throw new CompactionError(`source chunk changed since its manifest entry (ETag ${etag})`, key);
    throw error;
  }
  if (bytes.length !== length) throw new CompactionError(`read of ${length} bytes at ${offset} returned ${bytes.length}`, key);
  return bytes;
}
