import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/aws/s3-client';
import { KeyLayout } from '../../../shared/layout/keys';
import { encodeFailedBatch } from '../../../shared/replay/failed-batch';
import { talesAgainst, tempDataDir, useTestStack } from '../../support/local-stack';
import { jsonPayload, syntheticRecords } from '../../support/stream-records';

describe('tales replay against a running local stack', () => {
  const local = useTestStack();
  const now = Date.now();
  const tales = talesAgainst(local, now);

  it('stores a given-up batch once with its original times, removes it, and finds nothing the second time', async () => {
    // GIVEN a batch the poller gave up on, in the local failure destination
    const times = [now - 60_000, now - 50_000];
    const records = syntheticRecords(
      times.map((time, i) => jsonPayload({ time, actors: [4242], text: `lost ${i}` })),
      { shardId: 'shardId-000000000009', arrivalMs: now - 70_000 },
    );
    const key = `${new KeyLayout().failedBatchesPrefix()}aws/lambda/local/shardId-000000000009/2026/07/01/2026-07-01T12.00.00-x`;
    const body = encodeFailedBatch(
      {
        shardId: 'shardId-000000000009',
        startSequenceNumber: records[0]?.kinesis.sequenceNumber as string,
        endSequenceNumber: records[1]?.kinesis.sequenceNumber as string,
        condition: 'RetryAttemptsExhausted',
        records,
      },
      { streamArn: 'local:tales', timestamp: new Date(now).toISOString(), invokeCount: 11 },
    );
    const s3 = createS3Client({ endpoint: local.stack.s3Endpoint });
    await s3.send(new PutObjectCommand({ Bucket: local.stack.bucket, Key: key, Body: body }));
    s3.destroy();

    // WHEN replayed
    const run = await tales(['replay']);

    // THEN its events are stored and queryable at their own times, and the batch is gone from the destination
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(
      new RegExp(
        `^${key}: 2 records, 0 already stored, 2 events and 0 rejected records written as writer shardId-000000000009\\.replay-[0-9a-f]{12}, removed\\n$`,
      ),
    );
    const query = await tales(['query', '--actor', '4242', '--from', '-2m', '--json']);
    expect(
      query.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(times.map((time, i) => ({ time, actors: [4242], text: `lost ${i}` })));
    expect(await tales(['replay'])).toEqual({ code: 0, out: `no failed batches in s3://${local.stack.bucket}/failed-batches/\n`, err: '' });
  });

  it('refuses without a running stack, or with only one of the AWS buckets', async () => {
    const elsewhere = tempDataDir();
    expect(await tales(['replay', '--data-dir', elsewhere.dir])).toEqual({
      code: 1,
      out: '',
      err: `tales: no local stack is running on ${elsewhere.dir}: start one with npm start, or pass --bucket and --failure-bucket for AWS\n`,
    });
    elsewhere.remove();
    expect(await tales(['replay', '--bucket', 'b'])).toEqual({
      code: 1,
      out: '',
      err: 'tales: replay in AWS needs both --bucket and --failure-bucket (the stack outputs)\n',
    });
  });
});
