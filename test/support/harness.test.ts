import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Source } from '../../shared/aws/s3-source';
import { type LocalKinesis, startLocalKinesis } from './local-kinesis';
import { type LocalS3, startLocalS3 } from './local-s3';

describe('local servers', () => {
  let s3: LocalS3;
  let kinesis: LocalKinesis;
  beforeAll(async () => {
    [s3, kinesis] = await Promise.all([startLocalS3(), startLocalKinesis()]);
  });
  afterAll(async () => {
    await Promise.all([s3.stop(), kinesis.stop()]);
  });

  it('stores bytes exactly and serves ranged reads', async () => {
    const body = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    await s3.s3.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'k', Body: body }));
    const counter = { requests: 0, bytes: 0 };
    const source = s3Source(s3.s3, s3.bucket, 'k', counter);
    expect(await source.read(10, 5)).toEqual(body.subarray(10, 15));
    expect(await source.read(0, 1000)).toEqual(body);
    expect(counter).toEqual({ requests: 2, bytes: 1005 });
  });

  it('accepts records on a created stream', async () => {
    const shards = await kinesis.createStream('harness', 2);
    expect(shards).toHaveLength(2);
    const put = await kinesis.kinesis.send(new PutRecordCommand({ StreamName: 'harness', PartitionKey: '1', Data: new Uint8Array([1]) }));
    expect(put.SequenceNumber).toMatch(/^\d+$/);
  });
});
