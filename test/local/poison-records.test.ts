import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../shared/aws/kinesis-client';
import { createS3Client } from '../../shared/aws/s3-client';
import { useTestStack, waitUntil } from '../support/local-stack';
import { queryAll } from './http-client';

const ACTOR = 4242;
const encoder = new TextEncoder();

/**
 * Records written straight to the stream skip the ingest edge's validation: whatever they hold, the
 * consumer must set them aside under rejected/ and go on writing the events after them.
 */
describe('records written straight to the stream', () => {
  const test = useTestStack({ shards: 1 });
  let kinesis: ReturnType<typeof createKinesisClient>;
  let s3: ReturnType<typeof createS3Client>;

  beforeAll(() => {
    kinesis = createKinesisClient({ endpoint: test.stack.kinesisEndpoint });
    s3 = createS3Client({ endpoint: test.stack.s3Endpoint });
  });
  afterAll(() => {
    kinesis?.destroy();
    s3?.destroy();
  });

  async function put(...records: unknown[]): Promise<void> {
    const Records = records.map((value) => ({ Data: encoder.encode(JSON.stringify(value)), PartitionKey: String(ACTOR) }));
    const output = await kinesis.send(new PutRecordsCommand({ StreamName: test.stack.streamName, Records }));
    expect(output.FailedRecordCount).toBe(0);
  }

  const now = Date.now();
  const all = () => queryAll(test.stack.url, { actors: [ACTOR], from: now - 60_000, to: now + 60_000 });
  const texts = async () => (await all()).events.map((e) => e.text);

  it('rejects times past 9999-12-31 and keeps writing the events after them, batch after batch', async () => {
    await put({ actors: [ACTOR], text: 'year 10000', time: 253_402_300_800_000 }, { actors: [ACTOR], text: 'valid 1', time: now });
    await waitUntil('the first valid event', async () => (await texts()).includes('valid 1'));

    // A second batch naming the same far day: before the bound, this one read back a manifest whose
    // day was "+010000-01", failed to parse it, and the shard retried forever.
    await put(
      { actors: [ACTOR], text: 'year 10000 again', time: 253_402_300_800_001 },
      { actors: [ACTOR], text: 'valid 2', time: now + 1 },
    );
    await waitUntil('the second valid event', async () => (await texts()).includes('valid 2'));
    await put({ actors: [ACTOR], text: 'end of the Date range', time: 8.64e15 }, { actors: [ACTOR], text: 'valid 3', time: now + 2 });
    await waitUntil('the third valid event', async () => (await texts()).includes('valid 3'));

    expect(await texts()).toEqual(['valid 1', 'valid 2', 'valid 3']);

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: test.stack.bucket, Prefix: 'rejected/' }));
    const reasons: string[] = [];
    for (const { Key } of listed.Contents ?? []) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: test.stack.bucket, Key }))).Body?.transformToString();
      for (const line of (body ?? '').split('\n').filter(Boolean)) reasons.push((JSON.parse(line) as { reason: string }).reason);
    }
    expect(reasons.sort()).toEqual([
      'time must be an integer epoch ms in 0..253402300799999 (got 253402300800000)',
      'time must be an integer epoch ms in 0..253402300799999 (got 253402300800001)',
      'time must be an integer epoch ms in 0..253402300799999 (got 8640000000000000)',
    ]);
    const keys = await s3.send(new ListObjectsV2Command({ Bucket: test.stack.bucket, Prefix: 'v1/+' }));
    expect(keys.Contents ?? []).toEqual([]);
  });
});
