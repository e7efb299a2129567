import { dayNumber } from '../layout/day';
import { mapLimit } from '../util/map-limit';
import { BatchStats } from './batch-stats';
import { decodeRecord, type RejectedRecord } from './decode-record';
import { encodeRejected } from './rejected-object';
import { type StreamRecord, writerOfBatch } from './stream-record';
import type { BatchResult, WriteFailure, WriterContext } from './types';
import { type DayOutcome, type DayRecords, writeDay } from './write-day';

/** Days of one batch written at once; a batch rarely spans more than two. */
const DAY_CONCURRENCY = 4;

/**
 * Writes one Kinesis batch (one shard, sequence order) exactly once: its valid events become one
 * chunk per UTC day of event time, its invalid records one object under `rejected/`. Never throws
 * for an S3 failure: the result names the sequence number Lambda must retry from, and everything
 * durable before or after it is recognised on the retry (by the manifests' watermarks), so the
 * retried batch, or any bisected part of it, writes no duplicate and loses nothing.
 *
 * Rejected records carry no event day, so no watermark covers them. Their object is keyed by the
 * batch's first rejected sequence number and written first; a retry that starts at or before that
 * record rewrites the same key, and one that starts after it sees only later rejected records.
 * When a failure leaves rejected records of the object after the retry point, the retry point is
 * moved back to the first rejected record so that the object is rewritten rather than duplicated.
 */
export async function writeBatch(context: WriterContext, records: readonly StreamRecord[]): Promise<BatchResult> {
  const stats = new BatchStats(context.now ?? (() => performance.now()));
  if (records.length === 0) return summary(undefined, records, stats, [], undefined, [], 0);
  const writer = writerOfBatch(records);
  const decoded = stats.time('decode', () => records.map(decodeRecord));

  const rejected: { index: number; record: RejectedRecord }[] = [];
  const days = new Map<number, DayRecords['records'][number][]>();
  decoded.forEach((record, index) => {
    if (record.kind === 'rejected') {
      rejected.push({ index, record });
      return;
    }
    const day = dayNumber(record.event.time);
    const list = days.get(day);
    if (list) list.push({ index, record });
    else days.set(day, [{ index, record }]);
  });

  const firstRejected = rejected[0];
  const lastRejected = rejected[rejected.length - 1];
  if (firstRejected) {
    const key = context.layout.rejectedKey(dayNumber(firstRejected.record.arrival), writer, firstRejected.record.sequenceNumber);
    try {
      const body = encodeRejected(rejected.map((r) => r.record));
      await stats.put(context.s3, context.bucket, key, body, 'application/x-ndjson');
    } catch (error) {
      // Nothing else is attempted: the retry starts over at the first record.
      return summary(writer, records, stats, [], 0, [{ key, error }], 0);
    }
  }

  const outcomes = await mapLimit([...days], DAY_CONCURRENCY, ([day, list]) => writeDay(context, stats, writer, { day, records: list }));
  const failed = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome]));
  let retryIndex = failed.length ? Math.min(...failed.map((f) => f.retryIndex)) : undefined;
  if (retryIndex !== undefined && firstRejected && lastRejected && firstRejected.index < retryIndex && lastRejected.index > retryIndex) {
    retryIndex = firstRejected.index;
  }
  return summary(
    writer,
    records,
    stats,
    outcomes,
    retryIndex,
    failed.map((f) => f.failure),
    rejected.length,
  );
}

function summary(
  writer: string | undefined,
  records: readonly StreamRecord[],
  stats: BatchStats,
  outcomes: readonly DayOutcome[],
  retryIndex: number | undefined,
  failures: readonly WriteFailure[],
  rejected: number,
): BatchResult {
  const written = outcomes.flatMap((outcome) => (outcome.ok && outcome.written > 0 ? [outcome] : []));
  return {
    writer,
    retryFrom: retryIndex === undefined ? undefined : records[retryIndex]?.kinesis.sequenceNumber,
    failures,
    records: records.length,
    eventsWritten: written.reduce((total, outcome) => total + outcome.written, 0),
    eventsSkipped: outcomes.reduce((total, outcome) => total + outcome.skipped, 0),
    rejected,
    chunks: written.length,
    chunkBytes: written.reduce((total, outcome) => total + outcome.chunkBytes, 0),
    puts: stats.puts,
    bytesPut: stats.bytesPut,
    decodeMs: stats.ms.decode,
    buildMs: stats.ms.build,
    s3Ms: stats.ms.s3,
  };
}
