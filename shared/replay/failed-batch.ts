import { decodeStoredJson, jsonObject, jsonString } from '../codec/json-fields';
import { compareSequenceNumbers, isSequenceNumber } from '../manifest/sequence-number';
import type { StreamRecord } from '../writer/stream-record';

/**
 * One batch the event source gave up on, as Lambda's S3 on-failure destination stores it for a Kinesis
 * source: the invocation record (`requestContext`, `KinesisBatchInfo` with the shard and sequence
 * range) and, only in an S3 destination, `payload`: the whole invocation event, records and data
 * included. (An SQS or SNS destination holds the range only.) Local mode writes the same shape.
 */
export interface FailedBatch {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** Why it was given up: `RetryAttemptsExhausted`, `RecordAgeExceeded`, … */
  readonly condition: string;
  readonly records: readonly StreamRecord[];
}

/** Parses a failure-destination object; any fault is a CorruptError naming `key`. */
export function decodeFailedBatch(text: string, key: string): FailedBatch {
  return decodeStoredJson(text, key, 'failed batch record', parse);
}

/** The stored form of a failed batch, as Lambda writes it (local mode's poller uses it). */
export function encodeFailedBatch(batch: FailedBatch, extra: { streamArn: string; timestamp: string; invokeCount: number }): string {
  const arrivals = batch.records.map((r) => new Date(r.kinesis.approximateArrivalTimestamp * 1000).toISOString());
  return JSON.stringify({
    requestContext: { condition: batch.condition, approximateInvokeCount: extra.invokeCount },
    version: '1.0',
    timestamp: extra.timestamp,
    KinesisBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: batch.startSequenceNumber,
      endSequenceNumber: batch.endSequenceNumber,
      approximateArrivalOfFirstRecord: arrivals[0],
      approximateArrivalOfLastRecord: arrivals[arrivals.length - 1],
      batchSize: batch.records.length,
      streamArn: extra.streamArn,
    },
    payload: JSON.stringify({ Records: batch.records }),
  });
}

function parse(value: unknown): FailedBatch {
  const root = jsonObject(value, 'record');
  const info = jsonObject(root.KinesisBatchInfo, 'KinesisBatchInfo');
  const shardId = jsonString(info, 'shardId', 'KinesisBatchInfo ');
  const start = info.startSequenceNumber;
  const end = info.endSequenceNumber;
  if (!isSequenceNumber(start) || !isSequenceNumber(end))
    throw new Error('KinesisBatchInfo sequence numbers must be Kinesis sequence numbers');
  const context = root.requestContext === undefined ? {} : jsonObject(root.requestContext, 'requestContext');
  const condition = typeof context.condition === 'string' ? context.condition : 'unknown';
  if (root.payload === undefined) {
    throw new Error(
      `it holds no payload, only the range ${start}..${end} of ${shardId}: read those records from the stream before they expire`,
    );
  }
  const payload = jsonObject(typeof root.payload === 'string' ? JSON.parse(root.payload) : root.payload, 'payload');
  if (!Array.isArray(payload.Records)) throw new Error('payload.Records must be an array');
  const records = payload.Records.map((record, i) => parseRecord(record, i));
  for (const record of records) {
    const seq = record.kinesis.sequenceNumber;
    if (record.eventID !== `${shardId}:${seq}`) throw new Error(`record ${seq} is not of shard ${shardId} (event id ${record.eventID})`);
    if (compareSequenceNumbers(seq, start) < 0 || compareSequenceNumbers(seq, end) > 0) {
      throw new Error(`record ${seq} is outside the batch's range ${start}..${end}`);
    }
  }
  return { shardId, startSequenceNumber: start, endSequenceNumber: end, condition, records };
}

function parseRecord(value: unknown, i: number): StreamRecord {
  const record = jsonObject(value, `record ${i}`);
  const kinesis = jsonObject(record.kinesis, `record ${i} kinesis`);
  const arrival = kinesis.approximateArrivalTimestamp;
  if (typeof arrival !== 'number') throw new Error(`record ${i} kinesis.approximateArrivalTimestamp must be a number`);
  if (!isSequenceNumber(kinesis.sequenceNumber)) throw new Error(`record ${i} kinesis.sequenceNumber must be a Kinesis sequence number`);
  return {
    eventID: jsonString(record, 'eventID', `record ${i} `),
    kinesis: {
      sequenceNumber: kinesis.sequenceNumber,
      partitionKey: jsonString(kinesis, 'partitionKey', `record ${i} kinesis.`),
      data: jsonString(kinesis, 'data', `record ${i} kinesis.`),
      approximateArrivalTimestamp: arrival,
    },
  };
}
