import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** The consumer as the poller calls it: a batch in, optionally the records to deliver again. */
export type BatchConsumer = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | undefined>;

/** A batch given up after its retries or past its age, kept in full as Lambda's S3 on-failure destination keeps it. */
export interface GivenUpBatch {
  readonly shardId: string;
  readonly records: readonly KinesisStreamRecord[];
  readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  readonly invokeCount: number;
}

/** Stores a given-up batch; the shard moves past it only once this resolves. */
export type FailureDestination = (batch: GivenUpBatch) => Promise<void>;

export interface PollerLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** The event source mapping's settings. */
export interface PollingOptions {
  /** Most records per invocation, 1..10000. @default 10000 */
  readonly batchSize?: number;
  /** Longest wait for a fuller batch once a record is there, in ms. @default 1000 */
  readonly batchWindowMs?: number;
  /** Pause between reads of a shard that has nothing new, in ms. @default 250 */
  readonly idleMs?: number;
  /** First retry delay ceiling after a failed batch or read, in ms (exponential, full jitter). @default 200 */
  readonly retryBaseMs?: number;
  /** @default 10000 */
  readonly retryMaxMs?: number;
  /** Retries of a failing batch before it goes to the failure destination, as the event source mapping's. @default 10000 */
  readonly retryAttempts?: number;
  /** Age of a batch's first record past which it goes to the failure destination, in ms. @default 6 hours */
  readonly maxRecordAgeMs?: number;
}

/** What the poller has done since it started. */
export interface PollerStats {
  /** Successful invocations. */
  batches: number;
  /** Records made durable (acknowledged by the consumer). */
  records: number;
  /** Invocations that threw or reported batch item failures, and failed reads. */
  failures: number;
}
