import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { listObjects } from '../../shared/aws/list-objects';
import { s3Source } from '../../shared/aws/s3-source';
import { ChunkIndex } from '../../shared/chunk/chunk-index';
import { readEntries } from '../../shared/chunk/reader';
import type { ByteSource } from '../../shared/chunk/source';
import { OrdinalSet } from '../../shared/codec/ordinal-set';
import type { BlockCompressor } from '../../shared/codec/zstd';
import type { KeyLayout } from '../../shared/layout/keys';

export interface ScanTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly zstd: BlockCompressor;
}

/** What a scan read: objects, and indexes by kind (writer chunks, compacted days, merged segments), and entries decoded. */
export interface ScanReport {
  objects: number;
  chunks: number;
  compacted: number;
  segments: number;
  entries: number;
}

/**
 * Reads every object under the prefix and fails if the erased actor's trace is left: any of `markers` (the
 * erased events' texts) in any object's bytes, the actor in any index's directory, a marker in any
 * dictionary, or the actor or a marker in any entry of a writer chunk or compacted day, decompressed.
 * (A merged segment's blocks are its chunks', scanned as chunks.)
 */
export async function expectNoTrace(target: ScanTarget, actor: number, markers: readonly string[]): Promise<ScanReport> {
  const { s3, bucket, zstd } = target;
  const needles = markers.map((marker) => Buffer.from(marker));
  const holds = (bytes: Uint8Array) => needles.some((needle) => Buffer.from(bytes).includes(needle));
  const report: ScanReport = { objects: 0, chunks: 0, compacted: 0, segments: 0, entries: 0 };
  for await (const { key } of listObjects(s3, bucket, target.layout.prefix)) {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
    report.objects++;
    expect(holds(bytes), key).toBe(false);
    if (!key.endsWith('.tale')) continue;
    const index = ChunkIndex.parse(key, bytes, zstd);
    const inMemory: ByteSource = { key, read: async (offset, length) => bytes.subarray(offset, offset + length) };
    expect([...index.directory.actorIds], key).not.toContain(actor);
    for (let d = 0; d < index.directory.dictionaries.length; d++) {
      expect(holds(await index.dictionary(d, inMemory)), key).toBe(false);
    }
    if (key.includes('/tier/')) {
      report.segments++;
      continue;
    }
    const compacted = key.includes('/compact/');
    if (compacted) report.compacted++;
    else report.chunks++;
    const all = OrdinalSet.of(Uint32Array.from({ length: index.entryCount }, (_, i) => i));
    const blocksAt = compacted ? { source: s3Source(s3, bucket, key.replace(/\.index\.tale$/, '.blocks')), offset: 0 } : undefined;
    for await (const entry of readEntries(index, inMemory, all, zstd, blocksAt ? { blocksAt } : {})) {
      expect(markers.some((marker) => entry.text.includes(marker)) || entry.actors.includes(actor), key).toBe(false);
      report.entries++;
    }
  }
  return report;
}
