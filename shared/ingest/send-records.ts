import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { backoffDelay } from '../kinesis/backoff';
import { batchLength } from '../kinesis/batch';
import { type PutFailure, putRecordsOnce, TIMED_OUT } from '../kinesis/put-records';
import type { OutgoingRecord } from '../kinesis/record';
import type { IngestFailure } from './types';

export interface PendingRecord {
  /** The event's position in the request. */
  readonly index: number;
  readonly record: OutgoingRecord;
}

export interface SendOptions {
  /** Epoch ms after which no call starts and a call in flight is aborted (its records count as failed). */
  readonly deadline: number;
  /** Calls one record may take part in. @default 8 */
  readonly maxAttempts?: number;
  /** @default 50 */
  readonly baseDelayMs?: number;
  /** @default 1000 */
  readonly maxDelayMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Node's timers take at most a signed 32-bit delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Writes records with PutRecords in calls within the Kinesis limits, one call at a time in request order.
 * Records Kinesis fails retryably go back to the front of the queue (so they keep their place before
 * later records) and are sent again after a backoff with full jitter, until they are written, their
 * attempts run out, or the deadline comes. Returns the records that are not in the stream, ascending by index;
 * every other record was acknowledged by Kinesis.
 */
export async function sendRecords(
  kinesis: KinesisClient,
  streamName: string,
  pending: readonly PendingRecord[],
  options: SendOptions,
): Promise<IngestFailure[]> {
  const { deadline, maxAttempts = 8, baseDelayMs = 50, maxDelayMs = 1000, now = Date.now, sleep = defaultSleep, random } = options;
  const queue = pending.map((p) => ({ ...p, attempts: 0, lastFailure: TIMED_OUT }));
  const failed: IngestFailure[] = [];
  let failingCalls = 0;
  while (queue.length > 0 && now() < deadline) {
    const batch = queue.splice(0, batchLength(queue));
    const outcomes = await putRecordsOnce(
      kinesis,
      streamName,
      batch.map((p) => p.record),
      AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(1, deadline - now()))),
    );
    const retry: typeof batch = [];
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (!outcome || outcome.ok) return;
      item.attempts++;
      item.lastFailure = outcome;
      if (outcome.retryable && item.attempts < maxAttempts) retry.push(item);
      else failed.push(failureOf(item));
    });
    if (retry.length === 0) {
      failingCalls = 0;
      continue;
    }
    queue.unshift(...retry);
    const delay = backoffDelay(++failingCalls, { baseMs: baseDelayMs, maxMs: maxDelayMs, random });
    if (now() + delay >= deadline) break;
    await sleep(delay);
  }
  failed.push(...queue.map(failureOf));
  return failed.sort((a, b) => a.index - b.index);
}

function failureOf(item: PendingRecord & { lastFailure: PutFailure }): IngestFailure {
  return { index: item.index, code: item.lastFailure.code, message: item.lastFailure.message };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
