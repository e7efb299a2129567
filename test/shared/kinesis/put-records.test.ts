import {
  KinesisClient,
  KinesisServiceException,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { putRecordsOnce } from '../../../shared/kinesis/put-records';
import { encodeRecord } from '../../../shared/kinesis/record';

const kinesis = new KinesisClient({ region: 'us-east-1' });
const mock = mockClient(kinesis);
const records = [1, 2, 3].map((actor) => encodeRecord({ time: 1, actors: [actor], text: `e${actor}` }));

describe('putRecordsOnce', () => {
  beforeEach(() => mock.reset());

  it('sends the records in order and reports each outcome', async () => {
    mock.on(PutRecordsCommand).resolves({
      FailedRecordCount: 3,
      Records: [
        { SequenceNumber: '10', ShardId: 'shardId-0' },
        {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: 'Rate exceeded for shard shardId-0 in stream s under account 123',
        },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' },
      ],
    });
    const outcomes = await putRecordsOnce(kinesis, 's', records);
    expect(mock.commandCalls(PutRecordsCommand).map((call) => call.args[0].input)).toEqual([
      { StreamName: 's', Records: records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })) },
    ]);
    expect(outcomes).toEqual([
      { ok: true, sequenceNumber: '10', shardId: 'shardId-0' },
      { ok: false, code: 'kinesis_throttled', message: 'the stream is over its throughput; retry later', retryable: true },
      { ok: false, code: 'kinesis_unavailable', message: 'the stream could not be reached; retry later', retryable: true },
    ]);
  });

  it('gives up for good on record errors it does not know, without leaking their messages', async () => {
    mock.on(PutRecordsCommand).resolves({ Records: [{ ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'key arn:aws:kms:secret' }] });
    const [outcome] = await putRecordsOnce(kinesis, 's', records.slice(0, 1));
    expect(outcome).toEqual({
      ok: false,
      code: 'kinesis_rejected',
      message: 'the stream rejected the record (KMSAccessDeniedException)',
      retryable: false,
    });
  });

  it('fails every record retryably when the whole call is throttled', async () => {
    mock.on(PutRecordsCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const outcomes = await putRecordsOnce(kinesis, 's', records);
    expect(outcomes.map((o) => !o.ok && o.code)).toEqual(['kinesis_throttled', 'kinesis_throttled', 'kinesis_throttled']);
  });

  it('treats server faults and lost connections as retryable', async () => {
    mock.on(PutRecordsCommand).rejects(new KinesisServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: {} }));
    expect((await putRecordsOnce(kinesis, 's', records))[0]).toMatchObject({ code: 'kinesis_unavailable', retryable: true });
    mock.reset();
    mock.on(PutRecordsCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect((await putRecordsOnce(kinesis, 's', records))[0]).toMatchObject({ code: 'kinesis_unavailable', retryable: true });
  });

  it('throws faults of the deployment (a missing stream) and bugs', async () => {
    mock.on(PutRecordsCommand).rejects(new ResourceNotFoundException({ message: 'Stream s not found', $metadata: {} }));
    await expect(putRecordsOnce(kinesis, 's', records)).rejects.toThrow('Stream s not found');
    mock.reset();
    mock.on(PutRecordsCommand).rejects(new TypeError('bug'));
    await expect(putRecordsOnce(kinesis, 's', records)).rejects.toThrow('bug');
  });

  it('refuses an answer that does not match the request', async () => {
    mock.on(PutRecordsCommand).resolves({ Records: [{ SequenceNumber: '1', ShardId: 's' }] });
    await expect(putRecordsOnce(kinesis, 's', records)).rejects.toThrow('PutRecords answered 1 results for 3 records');
  });
});
