import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3Source } from '../../shared/aws/s3-source';
import { openChunk, readEntries } from '../../shared/chunk/reader';
import { OrdinalSet } from '../../shared/codec/ordinal-set';
import type { BlockCompressor } from '../../shared/codec/zstd';
import type { TalesEvent } from '../../shared/event/types';
import type { KeyLayout } from '../../shared/layout/keys';
import type { Manifest } from '../../shared/manifest/manifest';
import { readManifest } from '../../shared/manifest/read-manifest';

export interface WriterDay {
  readonly manifest: Manifest | undefined;
  /** Every event of every chunk the manifest lists, chunk by chunk, each in ordinal order. */
  readonly events: TalesEvent[];
}

/**
 * Reads a writer-day back through the shared chunk reader over ranged S3 GETs, checking that each
 * listed chunk exists with the size and ETag its manifest records.
 */
export async function readWriterDay(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  zstd: BlockCompressor,
  writer: string,
  day: number,
): Promise<WriterDay> {
  const manifest = await readManifest(s3, bucket, layout.manifestKey(day, writer), writer, day);
  const events: TalesEvent[] = [];
  for (const chunk of manifest?.chunks ?? []) {
    const key = layout.chunkKey(day, writer, chunk.seq);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.ContentLength !== chunk.size || head.ETag !== chunk.etag) {
      throw new Error(`${key}: stored ${head.ContentLength} bytes ${head.ETag}, manifest says ${chunk.size} bytes ${chunk.etag}`);
    }
    const source = s3Source(s3, bucket, key);
    const index = await openChunk(source, zstd, chunk.headSize);
    const all = OrdinalSet.of(Uint32Array.from({ length: index.entryCount }, (_, i) => i));
    for await (const { time, actors, text } of readEntries(index, source, all, zstd)) events.push({ time, actors, text });
  }
  return { manifest, events };
}

/** Every key below `prefix` (one page is enough for tests). */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key as string).sort();
}
