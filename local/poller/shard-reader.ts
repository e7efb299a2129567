import { GetRecordsCommand, type GetRecordsCommandOutput, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { backoffDelay } from '../../shared/kinesis/backoff';
import type { CheckpointStore } from './checkpoint-store';
import { type EventSourceOrigin, eventSourceRecord } from './event-source-record';
import { sleep } from './sleep';
import type { BatchConsumer, FailureDestination, PollerLogger, PollerStats, PollingOptions } from './types';

export interface ShardReaderDeps {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly shardId: string;
  readonly origin: EventSourceOrigin;
  readonly consumer: BatchConsumer;
  /** Where a batch goes once its retries or age run out; without it a failing batch is retried forever. */
  readonly onFailure?: FailureDestination;
  readonly checkpoints: CheckpointStore;
  readonly logger: PollerLogger;
  readonly stats: PollerStats;
  readonly options: Required<PollingOptions>;
  readonly signal: AbortSignal;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** A batch the consumer did not fully write: `rest` goes again. */
class BatchFailedError extends Error {
  override readonly name = 'BatchFailedError';
  constructor(
    message: string,
    readonly rest: readonly KinesisStreamRecord[],
  ) {
    super(message);
  }
}

/**
 * Reads one shard as the Lambda event source mapping does: from the checkpoint (else the trim horizon),
 * gathering up to `batchSize` records for at most `batchWindowMs` after the first one, then invoking the
 * consumer and checkpointing only what it made durable. A batch with item failures goes again from the
 * first failed record; a thrown batch goes again whole; both after a backoff. Once a batch has failed
 * more than `retryAttempts` times, or its first record is older than `maxRecordAgeMs`, it goes whole to
 * `onFailure` and the shard moves past it, as Lambda's on-failure destination. Resolves when the shard is
 * closed and fully delivered, or when `signal` aborts (after the batch in flight, checkpoint written).
 */
export async function readShard(deps: ShardReaderDeps): Promise<void> {
  const { kinesis, streamName, shardId, checkpoints, logger, stats, options, signal } = deps;
  let failures = 0;
  let iterator: string | undefined;
  let attempted: readonly KinesisStreamRecord[] = [];
  while (!signal.aborted) {
    try {
      attempted = [];
      iterator ??= await startIterator(kinesis, streamName, shardId, checkpoints.get(shardId).sequenceNumber);
      const { records, next } = await gather(deps, iterator);
      if (signal.aborted) break;
      iterator = next;
      attempted = records;
      if (records.length > 0) await deliver(deps, records);
      failures = 0;
      if (next === undefined) {
        await checkpoints.end(shardId);
        return;
      }
    } catch (error) {
      iterator = undefined;
      stats.failures++;
      failures++;
      const rest = error instanceof BatchFailedError ? error.rest : attempted;
      if (await giveUp(deps, rest, failures)) {
        failures = 0;
        continue;
      }
      const delay = backoffDelay(failures, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs });
      logger.warn('shard batch failed; retrying', { shardId, attempt: failures, delayMs: delay, error });
      await sleep(delay, signal);
    }
  }
  await checkpoints.flushed();
}

async function startIterator(kinesis: KinesisClient, streamName: string, shardId: string, after: string | undefined): Promise<string> {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
    }),
  );
  if (!ShardIterator) throw new Error(`no shard iterator for ${shardId}`);
  return ShardIterator;
}

/** Reads until the batch is full, the window since its first record has passed, the shard ends, or the signal aborts. */
async function gather(deps: ShardReaderDeps, iterator: string): Promise<{ records: KinesisStreamRecord[]; next: string | undefined }> {
  const { kinesis, shardId, origin, options, signal, clock = Date.now } = deps;
  const records: KinesisStreamRecord[] = [];
  let next: string | undefined = iterator;
  let firstAt: number | undefined;
  while (next && !signal.aborted) {
    const limit = options.batchSize - records.length;
    const page: GetRecordsCommandOutput = await kinesis.send(new GetRecordsCommand({ ShardIterator: next, Limit: limit }));
    const got = page.Records ?? [];
    for (const record of got) records.push(eventSourceRecord(shardId, record, origin));
    next = page.NextShardIterator;
    if (records.length >= options.batchSize) break;
    if (records.length > 0) {
      firstAt ??= clock();
      const left = firstAt + options.batchWindowMs - clock();
      if (left <= 0) break;
      // A full page means more is waiting: read on at once; otherwise wait for more within the window.
      if (got.length < limit) await sleep(Math.min(left, options.idleMs), signal);
    } else {
      await sleep(options.idleMs, signal);
    }
  }
  return { records, next };
}

/** Sends `rest` to the failure destination when its retries or age have run out, then moves the shard past it. */
async function giveUp(deps: ShardReaderDeps, rest: readonly KinesisStreamRecord[], failures: number): Promise<boolean> {
  const { onFailure, options, shardId, checkpoints, logger, clock = Date.now } = deps;
  const first = rest[0];
  const last = rest[rest.length - 1];
  if (!onFailure || !first || !last) return false;
  const aged = clock() - first.kinesis.approximateArrivalTimestamp * 1000 > options.maxRecordAgeMs;
  if (failures <= options.retryAttempts && !aged) return false;
  try {
    await onFailure({ shardId, records: rest, condition: aged ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', invokeCount: failures });
  } catch (error) {
    logger.error('storing a failed batch failed; retrying the batch', { shardId, error });
    return false;
  }
  logger.error('batch sent to the failure destination', { shardId, records: rest.length, first: first.kinesis.sequenceNumber });
  await checkpoints.advance(shardId, last.kinesis.sequenceNumber);
  return true;
}

/** Invokes the consumer; checkpoints the durable part; throws when some records must go again. */
async function deliver(deps: ShardReaderDeps, records: readonly KinesisStreamRecord[]): Promise<void> {
  const { consumer, checkpoints, shardId, stats } = deps;
  const response = await consumer({ Records: [...records] });
  const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  const firstFailed = failed.size === 0 ? records.length : records.findIndex((r) => failed.has(r.kinesis.sequenceNumber));
  if (firstFailed < 0) throw new BatchFailedError(`batch item failures name no record of the batch: ${[...failed].join(', ')}`, records);
  const durable = records[firstFailed - 1];
  if (durable) {
    await checkpoints.advance(shardId, durable.kinesis.sequenceNumber);
    stats.records += firstFailed;
  }
  if (firstFailed < records.length) {
    throw new BatchFailedError(
      `the consumer asked for records from ${records[firstFailed]?.kinesis.sequenceNumber} again`,
      records.slice(firstFailed),
    );
  }
  stats.batches++;
}
