import type { KinesisStreamRecordPayload } from 'aws-lambda';
import { MAX_TIME_MS } from '../event/limits';
import { checkWriter } from '../layout/keys';
import { compareSequenceNumbers, isSequenceNumber } from '../manifest/sequence-number';
import { BatchShapeError } from './errors';

/** The parts of a Kinesis event-source record the writer reads (a `KinesisStreamRecord` is one). */
export interface StreamRecord {
  /** `<shard id>:<sequence number>`. */
  readonly eventID: string;
  readonly kinesis: Pick<KinesisStreamRecordPayload, 'sequenceNumber' | 'partitionKey' | 'data' | 'approximateArrivalTimestamp'>;
}

/**
 * The writer (shard id) of a batch, after checking what the rest of the writer relies on: every
 * record comes from that one shard, and sequence numbers are valid and strictly ascending.
 */
export function writerOfBatch(records: readonly StreamRecord[]): string {
  let writer: string | undefined;
  let previous: string | undefined;
  for (const record of records) {
    const sequenceNumber = record.kinesis.sequenceNumber;
    if (!isSequenceNumber(sequenceNumber)) throw new BatchShapeError(`invalid sequence number "${sequenceNumber}"`);
    const arrival = record.kinesis.approximateArrivalTimestamp;
    if (!Number.isFinite(arrival) || arrival < 0 || arrival * 1000 > MAX_TIME_MS) {
      throw new BatchShapeError(`record ${sequenceNumber} has an invalid arrival timestamp ${arrival}`);
    }
    const shard = shardOf(record);
    writer ??= shard;
    if (shard !== writer) throw new BatchShapeError(`batch mixes shards ${writer} and ${shard}`);
    if (previous !== undefined && compareSequenceNumbers(sequenceNumber, previous) <= 0) {
      throw new BatchShapeError(`sequence number ${sequenceNumber} does not follow ${previous}`);
    }
    previous = sequenceNumber;
  }
  if (writer === undefined) throw new BatchShapeError('an empty batch has no writer');
  return writer;
}

function shardOf(record: StreamRecord): string {
  const colon = record.eventID.indexOf(':');
  const shard = record.eventID.slice(0, colon);
  if (colon < 0 || record.eventID.slice(colon + 1) !== record.kinesis.sequenceNumber) {
    throw new BatchShapeError(`event id "${record.eventID}" is not "<shard id>:${record.kinesis.sequenceNumber}"`);
  }
  try {
    return checkWriter(shard);
  } catch (error) {
    throw new BatchShapeError(`event id "${record.eventID}" names an ${(error as Error).message}`);
  }
}
