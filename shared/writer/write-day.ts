import { buildChunk } from '../chunk/builder';
import { appendChunk, chunkRecordOf, encodeManifest, type Manifest, nextSequence, watermarkOf } from '../manifest/manifest';
import { readManifest } from '../manifest/read-manifest';
import { compareSequenceNumbers } from '../manifest/sequence-number';
import type { BatchStats } from './batch-stats';
import type { AcceptedRecord } from './decode-record';
import type { WriteFailure, WriterContext } from './types';

/** A batch's valid records of one UTC day, in sequence order, with their positions in the batch. */
export interface DayRecords {
  readonly day: number;
  readonly records: readonly { readonly index: number; readonly record: AcceptedRecord }[];
}

export type DayOutcome =
  | { readonly ok: true; readonly written: number; readonly skipped: number; readonly chunkBytes: number }
  | {
      readonly ok: false;
      readonly skipped: number;
      readonly failure: WriteFailure;
      /** Batch position of the first record not durable. */
      readonly retryIndex: number;
    };

/**
 * Makes one day's records durable: read the writer-day manifest, drop records at or below its
 * watermark (already written by an earlier try), put the rest as the chunk at the next sequence,
 * then put the manifest with that chunk and the new watermark. The manifest put is the commit: a
 * crash before it leaves an unreferenced chunk that the retry overwrites under the same key.
 */
export async function writeDay(
  context: WriterContext,
  stats: BatchStats,
  writer: string,
  { day, records }: DayRecords,
): Promise<DayOutcome> {
  const { s3, bucket, layout } = context;
  const manifestKey = layout.manifestKey(day, writer);
  let key = manifestKey;
  let skipped = 0;
  let retryIndex = (records[0] as DayRecords['records'][number]).index;
  try {
    const manifest = await stats.timeAsync('s3', () => readManifest(s3, bucket, manifestKey, writer, day));
    const watermark = watermarkOf(manifest);
    const fresh = watermark === undefined ? records : records.filter((r) => compareSequenceNumbers(r.record.sequenceNumber, watermark) > 0);
    skipped = records.length - fresh.length;
    const first = fresh[0];
    const last = fresh[fresh.length - 1];
    if (!first || !last) return { ok: true, written: 0, skipped, chunkBytes: 0 };
    retryIndex = first.index;

    const built = stats.time('build', () =>
      buildChunk(
        fresh.map((r) => r.record.event),
        context.zstd,
        context.chunkOptions,
      ),
    );
    const seq = nextSequence(manifest);
    key = layout.chunkKey(day, writer, seq);
    const put = await stats.put(s3, bucket, key, built.bytes, 'application/octet-stream');
    const record = chunkRecordOf(built, seq, put.ETag ?? '', last.record.sequenceNumber);
    const next: Manifest = appendChunk(manifest ?? { writer, day, chunks: [] }, record);
    key = manifestKey;
    await stats.put(s3, bucket, manifestKey, encodeManifest(next), 'application/json');
    return { ok: true, written: fresh.length, skipped, chunkBytes: built.bytes.length };
  } catch (error) {
    return { ok: false, skipped, failure: { key, error }, retryIndex };
  }
}
