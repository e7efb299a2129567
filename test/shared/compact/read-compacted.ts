import type { S3Client } from '@aws-sdk/client-s3';
import { s3Source } from '../../../shared/aws/s3-source';
import { matchOrdinals, openChunk, readEntries } from '../../../shared/chunk/reader';
import type { BlockCompressor } from '../../../shared/codec/zstd';
import { matchesMeta } from '../../../shared/compact/compacted-day';
import { type ReencodedDayMeta, sourceOf } from '../../../shared/compact/meta';
import type { KeyLayout } from '../../../shared/layout/keys';
import type { StoredEvent } from '../../support/seed-chunks';

/** Every event of `actors` in a re-encoded day, as (event, original position), in the day's order. */
export async function readCompacted(
  target: { s3: S3Client; bucket: string; layout: KeyLayout; zstd: BlockCompressor },
  meta: ReencodedDayMeta,
  actors: readonly number[],
): Promise<StoredEvent[]> {
  if (meta.entries === 0) return [];
  const indexSource = s3Source(target.s3, target.bucket, target.layout.compactIndexKey(meta.day, meta.generation));
  const dataSource = s3Source(target.s3, target.bucket, target.layout.compactDataKey(meta.day, meta.generation));
  const index = await openChunk(indexSource, target.zstd, meta.headSize);
  if (!matchesMeta(index, meta)) throw new Error('compacted index does not match its metadata');
  const out: StoredEvent[] = [];
  const ordinals = await matchOrdinals(index, indexSource, actors);
  for await (const entry of readEntries(index, indexSource, ordinals, target.zstd, { blocksAt: { source: dataSource, offset: 0 } })) {
    const { ordinal: _, origin, ...event } = entry;
    if (!origin) throw new Error('a re-encoded entry without its origin');
    const source = sourceOf(meta, origin.source);
    if (!source) throw new Error(`no source ${origin.source}`);
    out.push({ event, position: { time: event.time, ...source, ordinal: origin.ordinal } });
  }
  return out;
}
