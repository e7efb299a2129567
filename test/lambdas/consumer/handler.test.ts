import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConsumerHandler } from '../../../lambdas/consumer/handler';
import { lambdaContext } from '../../../local/lambda/function-url';
import { loadZstd } from '../../../shared/codec/zstd';
import { DAY_MS, dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { BatchShapeError } from '../../../shared/writer/errors';
import { type FaultyS3, faultyS3, InjectedFault } from '../../support/faulty-s3';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { type LocalS3, startLocalS3 } from '../../support/local-s3';
import { readWriterDay } from '../../support/read-back';
import { jsonPayload, kinesisEvent, publishAndRead, syntheticRecords } from '../../support/stream-records';

const DAY = dayNumber(Date.UTC(2026, 6, 1));

let s3: LocalS3;
let kinesis: LocalKinesis;
let faulty: FaultyS3;
let prefixes = 0;

beforeAll(async () => {
  [s3, kinesis] = await Promise.all([startLocalS3(), startLocalKinesis()]);
  faulty = faultyS3(s3.endpoint);
});
afterAll(async () => {
  faulty.s3.destroy();
  await Promise.all([s3.stop(), kinesis.stop()]);
});
afterEach(() => {
  vi.restoreAllMocks();
  faulty.arm();
});

/** A handler over its own key prefix, with a silent logger and metrics whose EMF output is captured. */
function setup() {
  const layout = new KeyLayout(`h${++prefixes}/`);
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'Tales', serviceName: 'test' });
  const errors = vi.spyOn(logger, 'error');
  const emf: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    return true;
  });
  const handler = createConsumerHandler({ writer: { s3: faulty.s3, bucket: s3.bucket, layout }, zstd: loadZstd(), logger, metrics });
  return { layout, handler, errors, emf };
}

describe('consumer handler', () => {
  it('writes a Kinesis batch and answers with no item failures and EMF metrics', async () => {
    const { layout, handler, emf } = setup();
    const events = Array.from({ length: 25 }, (_, i) => ({ time: DAY * DAY_MS + i * 1000, actors: [i % 4], text: `event ${i}` }));
    const [records = []] = [
      ...(await publishAndRead(kinesis, [...events.map((e) => jsonPayload(e)), jsonPayload({ text: 'no actors' })])).values(),
    ];

    const response = await handler(kinesisEvent(records), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const writer = records[0]?.eventID.split(':')[0] as string;
    expect((await readWriterDay(s3.s3, s3.bucket, layout, await loadZstd(), writer, DAY)).events).toEqual(events);
    const metrics = emf.find((m) => 'EventsWritten' in m);
    expect(metrics).toMatchObject({ EventsWritten: 25, Chunks: 1, Rejected: 1, EventsSkipped: 0, ChunkBytes: expect.any(Number) });
    expect(metrics).toMatchObject({ WriteDuration: expect.any(Number), _aws: { CloudWatchMetrics: [{ Namespace: 'Tales' }] } });
    expect(metrics).toMatchObject({ WriteFailures: 0, WriterConflicts: 0 });
  });

  it('answers a failed write with the first record not yet durable as the item failure, and logs the key', async () => {
    const { layout, handler, errors } = setup();
    const records = syntheticRecords([
      jsonPayload({ actors: [1], text: 'a', time: DAY * DAY_MS }),
      jsonPayload({ actors: [1], text: 'b', time: (DAY + 1) * DAY_MS }),
    ]);
    const key = layout.chunkKey(DAY + 1, 'shardId-000000000000', 0);
    faulty.arm({ call: 1, lost: 'request', key });

    const response = await handler(kinesisEvent(records), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.kinesis.sequenceNumber }] });
    expect(errors).toHaveBeenCalledWith('write failed', { error: expect.any(InjectedFault), key, writer: 'shardId-000000000000' });
  });

  it('counts each failed write in the WriteFailures metric the alarm watches', async () => {
    const { layout, handler, emf } = setup();
    const records = syntheticRecords([jsonPayload({ actors: [1], text: 'a', time: DAY * DAY_MS })]);
    faulty.arm({ call: 1, lost: 'request', key: layout.chunkKey(DAY, 'shardId-000000000000', 0) });

    await handler(kinesisEvent(records), lambdaContext());

    expect(emf.find((m) => 'WriteFailures' in m)).toMatchObject({ WriteFailures: 1, WriterConflicts: 0, EventsWritten: 0 });
  });

  it('answers an empty batch with no item failures', async () => {
    const { handler } = setup();
    expect(await handler(kinesisEvent([]), lambdaContext())).toEqual({ batchItemFailures: [] });
  });

  it('fails the whole invocation, logged, for a batch that mixes shards', async () => {
    const { handler, errors } = setup();
    const records = [
      ...syntheticRecords([jsonPayload({ actors: [1], text: 'a' })]),
      ...syntheticRecords([jsonPayload({ actors: [1], text: 'b' })], {
        shardId: 'shardId-000000000001',
        first: 49_000_000_000_000_000_001n,
      }),
    ];
    await expect(handler(kinesisEvent(records), lambdaContext())).rejects.toThrow(
      new BatchShapeError('batch mixes shards shardId-000000000000 and shardId-000000000001'),
    );
    expect(errors).toHaveBeenCalledWith('batch refused', {
      error: expect.any(BatchShapeError),
      records: 2,
      firstEventId: records[0]?.eventID,
    });
  });
});
