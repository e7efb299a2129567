import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { backoffDelay } from './backoff';
import { type BatchLimits, batchLength } from './batch';
import { type PutFailure, type PutOutcome, putRecordsOnce, TIMED_OUT } from './put-records';
import type { OutgoingRecord } from './record';

/** Anything carrying a record to write; the loop hands the same objects back in its reports. */
export interface QueuedRecord {
  readonly record: OutgoingRecord;
}

export interface RetryPolicy {
  /** PutRecords calls one record may take part in, the first included. */
  readonly maxAttempts: number;
  /** Ceiling of the first retry's delay, in ms (it doubles per failing call, with full jitter). */
  readonly baseDelayMs: number;
  /** Largest delay ceiling, in ms. */
  readonly maxDelayMs: number;
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
}

/** What one PutRecords call settled. Each item is reported once in `sent` or `failed`, and may be in `retried` before that. */
export interface CallReport<T> {
  readonly sent: readonly { readonly item: T; readonly sequenceNumber: string; readonly shardId: string }[];
  /** Failed retryably with attempts left: it goes again, ahead of every record not sent yet. */
  readonly retried: readonly { readonly item: T; readonly attempts: number; readonly failure: PutFailure }[];
  /** Given up: rejected for good, or out of attempts. */
  readonly failed: readonly GivenUp<T>[];
}

export interface GivenUp<T> {
  readonly item: T;
  readonly failure: PutFailure;
}

export interface PutWithRetriesOptions<T> extends RetryPolicy, BatchLimits {
  /** Epoch ms after which no call starts and a call in flight is aborted (its records fail as timed out). @default - none */
  readonly deadline?: number;
  /** Called after each call, before the backoff that may follow it. */
  readonly onCall?: (report: CallReport<T>) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * `maxAttempts` for the Kinesis client the loop sends with: one HTTP request per call. The SDK's default
 * (3) retries a throttled or failed call itself, inside each of the loop's attempts, multiplying them unseen.
 */
export const CLIENT_MAX_ATTEMPTS = 1;

/** Node's timers take at most a signed 32-bit delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The one PutRecords retry loop, used by the ingest handler and the producer. Sends `items` in calls
 * within the batch limits, one call at a time and in order. Records Kinesis fails retryably go back to
 * the front of the queue, so they keep their place before later records, and go again after a backoff
 * with full jitter, until they are written, their `maxAttempts` calls are spent, or the deadline comes.
 * Resolves to the records given up (those left at the deadline included), in input order.
 *
 * The count of calls is the count of requests only for a client created with CLIENT_MAX_ATTEMPTS; a
 * client with the SDK's default makes up to 3 requests per call. A call-level fault of the deployment (a missing stream,
 * denied access) is thrown; the items not yet reported are then neither sent nor given up.
 */
export async function putWithRetries<T extends QueuedRecord>(
  kinesis: KinesisClient,
  streamName: string,
  items: readonly T[],
  options: PutWithRetriesOptions<T>,
): Promise<GivenUp<T>[]> {
  const { deadline = Number.POSITIVE_INFINITY, onCall, now = Date.now, sleep = defaultSleep } = options;
  const queue: Pending<T>[] = items.map((item, position) => ({ item, record: item.record, position, attempts: 0, lastFailure: TIMED_OUT }));
  const givenUp: (GivenUp<T> & { position: number })[] = [];
  let failingCalls = 0;
  while (queue.length > 0 && now() < deadline) {
    const batch = queue.splice(0, batchLength(queue, options));
    const outcomes = await putRecordsOnce(
      kinesis,
      streamName,
      batch.map((entry) => entry.record),
      Number.isFinite(deadline) ? AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(1, deadline - now()))) : undefined,
    );
    const report = { sent: [] as Sent<T>[], retried: [] as Retried<T>[], failed: [] as GivenUp<T>[] };
    const retry: Pending<T>[] = [];
    batch.forEach((entry, i) => {
      const outcome = outcomes[i] as PutOutcome;
      entry.attempts++;
      if (outcome.ok) {
        report.sent.push({ item: entry.item, sequenceNumber: outcome.sequenceNumber, shardId: outcome.shardId });
        return;
      }
      entry.lastFailure = failureOf(outcome);
      if (outcome.retryable && entry.attempts < options.maxAttempts) {
        report.retried.push({ item: entry.item, attempts: entry.attempts, failure: entry.lastFailure });
        retry.push(entry);
      } else {
        report.failed.push({ item: entry.item, failure: entry.lastFailure });
        givenUp.push({ item: entry.item, failure: entry.lastFailure, position: entry.position });
      }
    });
    queue.unshift(...retry);
    onCall?.(report);
    if (retry.length === 0) {
      failingCalls = 0;
      continue;
    }
    const delay = backoffDelay(++failingCalls, { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs, random: options.random });
    if (now() + delay >= deadline) break;
    await sleep(delay);
  }
  if (queue.length > 0) {
    onCall?.({ sent: [], retried: [], failed: queue.map(({ item, lastFailure }) => ({ item, failure: lastFailure })) });
    givenUp.push(...queue.map(({ item, lastFailure, position }) => ({ item, failure: lastFailure, position })));
  }
  return givenUp.sort((a, b) => a.position - b.position).map(({ item, failure }) => ({ item, failure }));
}

interface Pending<T> {
  readonly item: T;
  readonly record: OutgoingRecord;
  readonly position: number;
  attempts: number;
  lastFailure: PutFailure;
}

type Sent<T> = CallReport<T>['sent'][number];
type Retried<T> = CallReport<T>['retried'][number];

function failureOf({ code, message, retryable }: PutFailure): PutFailure {
  return { code, message, retryable };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
