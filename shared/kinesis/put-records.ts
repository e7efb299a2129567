import { type KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { OutgoingRecord } from './record';

/** Why a record is not in the stream; the messages are safe to show callers (no account or shard ids). */
export type PutFailureCode = 'kinesis_throttled' | 'kinesis_unavailable' | 'kinesis_timeout' | 'kinesis_rejected';

export interface PutFailure {
  readonly code: PutFailureCode;
  readonly message: string;
  /** Whether sending the record again may succeed (throttling, a server fault, a timeout). */
  readonly retryable: boolean;
}

export type PutOutcome =
  | { readonly ok: true; readonly sequenceNumber: string; readonly shardId: string }
  | ({ readonly ok: false } & PutFailure);

const THROTTLED: PutFailure = { code: 'kinesis_throttled', message: 'the stream is over its throughput; retry later', retryable: true };
const UNAVAILABLE: PutFailure = { code: 'kinesis_unavailable', message: 'the stream could not be reached; retry later', retryable: true };
/** Also the failure of a record whose sender ran out of time before its call. */
export const TIMED_OUT: PutFailure = {
  code: 'kinesis_timeout',
  message: 'no time was left to write the record; retry later',
  retryable: true,
};

const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
]);

/**
 * One PutRecords call: the outcome of each record, in order. A call-level throttle, server fault,
 * timeout or network error fails every record retryably (none of them was written); any other error
 * (a missing stream, denied access) is a fault of the deployment and is thrown.
 */
export async function putRecordsOnce(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly OutgoingRecord[],
  abortSignal?: AbortSignal,
): Promise<PutOutcome[]> {
  let entries: PutRecordsResultEntry[];
  try {
    const result = await kinesis.send(
      new PutRecordsCommand({ StreamName: streamName, Records: records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })) }),
      abortSignal ? { abortSignal } : {},
    );
    entries = result.Records ?? [];
  } catch (error) {
    const failure = classifyCallError(error);
    if (!failure) throw error;
    return records.map(() => ({ ok: false, ...failure }));
  }
  if (entries.length !== records.length) {
    throw new Error(`PutRecords answered ${entries.length} results for ${records.length} records`);
  }
  return entries.map(recordOutcome);
}

function recordOutcome(entry: PutRecordsResultEntry): PutOutcome {
  if (!entry.ErrorCode) return { ok: true, sequenceNumber: entry.SequenceNumber ?? '', shardId: entry.ShardId ?? '' };
  if (entry.ErrorCode === 'ProvisionedThroughputExceededException' || entry.ErrorCode === 'KMSThrottlingException') {
    return { ok: false, ...THROTTLED };
  }
  if (entry.ErrorCode === 'InternalFailure') return { ok: false, ...UNAVAILABLE };
  return { ok: false, code: 'kinesis_rejected', message: `the stream rejected the record (${entry.ErrorCode})`, retryable: false };
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: unknown;
  readonly $retryable?: { readonly throttling?: boolean };
}

function classifyCallError(error: unknown): PutFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorShape;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return TIMED_OUT;
  if ((typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) || e.$retryable?.throttling) return THROTTLED;
  if (e.$fault === 'server') return UNAVAILABLE;
  if (e.$fault === 'client') return undefined;
  // No fault side: the request never got an answer (a reset connection, a refused socket).
  if (typeof e.code === 'string' || e.$metadata !== undefined) return UNAVAILABLE;
  return undefined;
}
