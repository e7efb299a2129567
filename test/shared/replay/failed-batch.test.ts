import { describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { decodeFailedBatch, encodeFailedBatch } from '../../../shared/replay/failed-batch';

const KEY = 'aws/lambda/1234-uuid/shardId-000000000001/2026/07/01/2026-07-01T12.00.00-abcd';
const record = (seq: string, shard = 'shardId-000000000001') => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: '1',
    sequenceNumber: seq,
    data: Buffer.from('{"actors":[1],"text":"a"}').toString('base64'),
    approximateArrivalTimestamp: 1782907200.123,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `${shard}:${seq}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: 'arn:aws:iam::123456789012:role/consumer',
  awsRegion: 'us-east-2',
  eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/tales',
});

/** The invocation record Lambda's S3 on-failure destination stores for a Kinesis source (the documented shape). */
function awsRecord(payload: unknown, overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    requestContext: {
      requestId: 'c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5',
      functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:consumer',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 10001,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-07-01T12:00:06.021Z',
    KinesisBatchInfo: {
      shardId: 'shardId-000000000001',
      startSequenceNumber: '4960',
      endSequenceNumber: '4970',
      approximateArrivalOfFirstRecord: '2026-07-01T12:00:00.123Z',
      approximateArrivalOfLastRecord: '2026-07-01T12:00:00.123Z',
      batchSize: 2,
      streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/tales',
    },
    payload,
    ...overrides,
  });
}

describe('decodeFailedBatch', () => {
  it('reads the records of an S3 destination record whose payload is the event as a string, or as an object', () => {
    const event = { Records: [record('4960'), record('4970')] };
    for (const payload of [JSON.stringify(event), event]) {
      const batch = decodeFailedBatch(awsRecord(payload), KEY);
      expect(batch).toMatchObject({ shardId: 'shardId-000000000001', startSequenceNumber: '4960', endSequenceNumber: '4970' });
      expect(batch.condition).toBe('RetryAttemptsExhausted');
      expect(batch.records.map((r) => [r.eventID, r.kinesis.approximateArrivalTimestamp])).toEqual([
        ['shardId-000000000001:4960', 1782907200.123],
        ['shardId-000000000001:4970', 1782907200.123],
      ]);
    }
  });

  it('round-trips what local mode writes', () => {
    const records = [record('4960'), record('4970')];
    const text = encodeFailedBatch(
      { shardId: 'shardId-000000000001', startSequenceNumber: '4960', endSequenceNumber: '4970', condition: 'RecordAgeExceeded', records },
      { streamArn: 'local:tales', timestamp: '2026-07-01T12:00:06.021Z', invokeCount: 3 },
    );
    expect(decodeFailedBatch(text, KEY)).toMatchObject({
      condition: 'RecordAgeExceeded',
      records: records.map((r) => ({ eventID: r.eventID })),
    });
  });

  it.each([
    [
      'a record of an SQS destination (no payload)',
      awsRecord(undefined),
      'it holds no payload, only the range 4960..4970 of shardId-000000000001: read those records from the stream before they expire',
    ],
    [
      'a record of another shard',
      awsRecord({ Records: [record('4960', 'shardId-000000000002')] }),
      'record 4960 is not of shard shardId-000000000001 (event id shardId-000000000002:4960)',
    ],
    ['a record outside the range', awsRecord({ Records: [record('4971')] }), "record 4971 is outside the batch's range 4960..4970"],
    ['no batch info', awsRecord({ Records: [] }, { KinesisBatchInfo: undefined }), 'KinesisBatchInfo must be an object'],
    ['not JSON', '{', 'Expected property name'],
  ])('refuses %s, naming the key', (_what, text, message) => {
    expect(() => decodeFailedBatch(text, KEY)).toThrow(CorruptError);
    expect(() => decodeFailedBatch(text, KEY)).toThrow(`${KEY}: invalid failed batch record: ${message}`);
  });
});
