import { createHash } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { dayNumber } from '../layout/day';
import type { Manifest } from '../manifest/manifest';
import { readManifest } from '../manifest/read-manifest';
import { decodeRecord } from '../writer/decode-record';
import type { StreamRecord } from '../writer/stream-record';
import type { BatchResult, WriterContext } from '../writer/types';
import { writeBatch } from '../writer/write-batch';
import { isDurable } from './durable';
import type { FailedBatch } from './failed-batch';

export interface ReplayOutcome {
  /** The writer the replayed records are stored under. */
  readonly replayWriter: string;
  /** Records of the failed batch that its shard's manifests (or rejected object) already hold. */
  readonly alreadyDurable: number;
  readonly result: BatchResult;
}

/**
 * The writer a failed batch is replayed as: its shard's writer-days may have moved past the batch (the
 * event source went on with later batches, raising their watermarks), so its records go to a writer of
 * their own. Named from the batch, so a second replay of it is the same writer and its watermark makes
 * the second run write nothing.
 */
export function replayWriterOf(batch: FailedBatch): string {
  const tag = createHash('sha256').update(batch.startSequenceNumber).digest('hex').slice(0, 12);
  return `${batch.shardId}.replay-${tag}`;
}

/**
 * Stores exactly the records of a failed batch that are not durable yet: an event is durable when a
 * chunk of its shard's writer-day holds its sequence number; the batch's rejected records are durable
 * when their object exists. The rest are written as one batch of the replay writer, exactly once,
 * keeping each record's data and arrival time (so each event keeps its time).
 */
export async function replayFailedBatch(context: WriterContext, batch: FailedBatch): Promise<ReplayOutcome> {
  const { s3, bucket, layout } = context;
  const manifests = new Map<number, Promise<Manifest | undefined>>();
  const manifestOf = (day: number) => {
    let read = manifests.get(day);
    if (!read) {
      read = readManifest(s3, bucket, layout.manifestKey(day, batch.shardId), batch.shardId, day);
      manifests.set(day, read);
    }
    return read;
  };
  const decoded = batch.records.map(decodeRecord);
  const firstRejected = decoded.find((record) => record.kind === 'rejected');
  const rejectedStored =
    firstRejected !== undefined &&
    (await exists(context, layout.rejectedKey(dayNumber(firstRejected.arrival), batch.shardId, firstRejected.sequenceNumber)));
  const pending: StreamRecord[] = [];
  for (const [i, record] of decoded.entries()) {
    const durable =
      record.kind === 'rejected' ? rejectedStored : isDurable(await manifestOf(dayNumber(record.event.time)), record.sequenceNumber);
    if (!durable) pending.push(batch.records[i] as StreamRecord);
  }
  const replayWriter = replayWriterOf(batch);
  const relabelled = pending.map((record) => ({ ...record, eventID: `${replayWriter}:${record.kinesis.sequenceNumber}` }));
  // The replaying host does not know the deployment's close: every day that ended is taken as closed, so each of its chunks is marked late.
  const result = await writeBatch({ ...context, closeAfterMs: 0 }, relabelled);
  return { replayWriter, alreadyDurable: batch.records.length - pending.length, result };
}

async function exists(context: WriterContext, key: string): Promise<boolean> {
  try {
    await context.s3.send(new HeadObjectCommand({ Bucket: context.bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}
