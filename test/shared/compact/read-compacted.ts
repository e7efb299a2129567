import type { S3Client } from '@aws-sdk/client-s3';
import { s3Source } from '../../../shared/aws/s3-source';
import { matchOrdinals, openChunk, readEntries } from '../../../shared/chunk/reader';
import { OrdinalSet } from '../../../shared/codec/ordinal-set';
import type { BlockCompressor } from '../../../shared/codec/zstd';
import { matchesMeta, splitBySource } from '../../../shared/compact/compacted-day';
import type { CompactMeta } from '../../../shared/compact/meta';
import type { KeyLayout } from '../../../shared/layout/keys';
import type { StoredEvent } from '../../support/seed-chunks';

/** Every event of `actors` in a compacted day, as (event, original position), source by source. */
export async function readCompacted(
  target: { s3: S3Client; bucket: string; layout: KeyLayout; zstd: BlockCompressor },
  meta: CompactMeta,
  actors: readonly number[],
): Promise<StoredEvent[]> {
  const indexSource = s3Source(target.s3, target.bucket, target.layout.compactIndexKey(meta.day, meta.generation));
  const dataSource = s3Source(target.s3, target.bucket, target.layout.compactDataKey(meta.day, meta.generation));
  const index = await openChunk(indexSource, target.zstd, meta.headSize);
  if (!matchesMeta(index, meta)) throw new Error('compacted index does not match its metadata');
  const out: StoredEvent[] = [];
  for (const { source, ordinals } of splitBySource(meta, (await matchOrdinals(index, indexSource, actors)).values(0, 2 ** 32))) {
    for await (const entry of readEntries(index, indexSource, OrdinalSet.of(ordinals), target.zstd, {
      blocksAt: { source: dataSource, offset: 0 },
    })) {
      const { ordinal, ...event } = entry;
      out.push({ event, position: { time: event.time, writer: source.writer, seq: source.seq, ordinal: ordinal - source.base } });
    }
  }
  return out;
}
