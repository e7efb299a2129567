import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';

export interface EventSourceOrigin {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default - a stream named 'tales' */
  readonly streamArn?: string;
}

/** A record of GetRecords in the shape Lambda's Kinesis event source gives it to a handler. */
export function eventSourceRecord(shardId: string, record: _Record, origin: EventSourceOrigin = {}): KinesisStreamRecord {
  const { region = 'us-east-1', streamArn = `arn:aws:kinesis:${region}:000000000000:stream/tales` } = origin;
  const sequenceNumber = record.SequenceNumber as string;
  return {
    awsRegion: region,
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: streamArn,
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/consumer',
    kinesis: {
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp as Date).getTime() / 1000,
      data: Buffer.from(record.Data as Uint8Array).toString('base64'),
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey as string,
      sequenceNumber,
    },
  };
}
