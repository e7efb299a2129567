import { buildChunk } from '../chunk/builder';
import { CLOSE_AFTER_MS } from '../layout/day';
import { appendChunk, chunkRecordOf, nextSequence, watermarkOf } from '../manifest/manifest';
import { encodeManifest } from '../manifest/manifest-codec';
import { type ManifestVersion, readManifestVersion } from '../manifest/read-manifest';
import { compareSequenceNumbers } from '../manifest/sequence-number';
import type { BatchStats } from './batch-stats';
import { putManifest, putNewChunk } from './conditional-put';
import type { AcceptedRecord } from './decode-record';
import { WriterConflictError } from './errors';
import { isLateChunk, markLateChunk } from './late-marker';
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
 * author on the writer-day fails with a WriterConflictError instead of overwriting. A chunk of a
 * day about to close, or closed, puts the day's late-chunks marker before it (late-marker.ts).
 *
 * With a ManifestCache in the context, the manifest this process wrote last for the writer-day stands
 * in for the read. The conditional puts check it as they check a read one; when either is refused, the
 * cached version was stale and the day is written again from a fresh read.
 */
export async function writeDay(context: WriterContext, stats: BatchStats, writer: string, day: DayRecords): Promise<DayOutcome> {
  const manifestKey = context.layout.manifestKey(day.day, writer);
  const cached = context.manifests?.take(manifestKey);
  if (cached) {
    const outcome = await writeDayFrom(context, stats, writer, day, cached);
    if (outcome.ok || !(outcome.failure.error instanceof WriterConflictError)) return outcome;
  }
  return writeDayFrom(context, stats, writer, day, undefined);
}

/** One try at the day, from the version this process last wrote (`cached`), else from the manifest read now. */
async function writeDayFrom(
  context: WriterContext,
  stats: BatchStats,
  writer: string,
  { day, records }: DayRecords,
  cached: ManifestVersion | undefined,
): Promise<DayOutcome> {
  const { s3, bucket, layout } = context;
  const manifestKey = layout.manifestKey(day, writer);
  let key = manifestKey;
  let skipped = 0;
  let retryIndex = (records[0] as DayRecords['records'][number]).index;
  try {
    const version = cached ?? (await stats.timeAsync('s3', () => readManifestVersion(s3, bucket, manifestKey, writer, day)));
    const manifest = version?.manifest;
    const watermark = watermarkOf(manifest);
    const fresh = watermark === undefined ? records : records.filter((r) => compareSequenceNumbers(r.record.sequenceNumber, watermark) > 0);
    skipped = records.length - fresh.length;
    const first = fresh[0];
    const last = fresh[fresh.length - 1];
    if (!first || !last) {
      if (version) context.manifests?.keep(manifestKey, version);
      return { ok: true, written: 0, skipped, chunkBytes: 0 };
    }
    retryIndex = first.index;

    const built = stats.time('build', () =>
      buildChunk(
        fresh.map((r) => r.record.event),
        context.zstd,
        context.chunkOptions,
      ),
    );
    if (isLateChunk(day, (context.clock ?? Date.now)(), context.closeAfterMs ?? CLOSE_AFTER_MS)) {
      key = layout.lateChunksKey(day);
      await markLateChunk(context, stats, day);
    }
    const seq = nextSequence(manifest);
    key = layout.chunkKey(day, writer, seq);
    const etag = await putNewChunk(context, stats, key, built.bytes, cached !== undefined);
    const record = chunkRecordOf(built, seq, etag, first.record.sequenceNumber, last.record.sequenceNumber);
    const next = appendChunk(manifest ?? { writer, day, chunks: [] }, record);
    key = manifestKey;
    const written = await putManifest(context, stats, manifestKey, encodeManifest(next), version?.etag);
    if (written !== undefined) context.manifests?.keep(manifestKey, { manifest: next, etag: written });
    return { ok: true, written: fresh.length, skipped, chunkBytes: built.bytes.length };
  } catch (error) {
    return { ok: false, skipped, failure: { key, error }, retryIndex };
  }
}
