import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { putWithRetries } from '../kinesis/put-with-retries';
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

/**
 * Writes a request's records to the stream through the shared retry loop, with the ingest's defaults and
 * the Lambda's deadline. Returns the records that are not in the stream, ascending by index; every other
 * record was acknowledged by Kinesis.
 */
export async function sendRecords(
  kinesis: KinesisClient,
  streamName: string,
  pending: readonly PendingRecord[],
  { maxAttempts = 8, baseDelayMs = 50, maxDelayMs = 1000, ...rest }: SendOptions,
): Promise<IngestFailure[]> {
  const givenUp = await putWithRetries(kinesis, streamName, pending, { maxAttempts, baseDelayMs, maxDelayMs, ...rest });
  return givenUp.map(({ item, failure }) => ({ index: item.index, code: failure.code, message: failure.message }));
}
