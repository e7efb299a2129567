import { buildChunk } from '../chunk/builder';
import { appendChunk, chunkRecordOf, encodeManifest, type Manifest, nextSequence, watermarkOf } from '../manifest/manifest';
import { readManifestVersion } from '../manifest/read-manifest';
import { compareSequenceNumbers } from '../manifest/sequence-number';
import type { BatchStats } from './batch-stats';
import { putManifest, putNewChunk } from './conditional-put';
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
 * crash before it leaves an unreferenced chunk that the retry finds under the same key. Both puts
 * are conditional (the chunk must be new, the manifest unchanged since it was read), so a second
 * author on the writer-day fails with a WriterConflictError instead of overwriting.
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
    const read = await stats.timeAsync('s3', () => readManifestVersion(s3, bucket, manifestKey, writer, day));
    const manifest = read?.manifest;
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
    const etag = await putNewChunk(context, stats, key, built.bytes);
    const record = chunkRecordOf(built, seq, etag, first.record.sequenceNumber, last.record.sequenceNumber);
    const next: Manifest = appendChunk(manifest ?? { writer, day, chunks: [] }, record);
    key = manifestKey;
    await putManifest(context, stats, manifestKey, encodeManifest(next), read?.etag);
    return { ok: true, written: fresh.length, skipped, chunkBytes: built.bytes.length };
  } catch (error) {
    return { ok: false, skipped, failure: { key, error }, retryIndex };
  }
}
