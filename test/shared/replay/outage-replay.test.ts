import { PutRecordsCommand as PutKinesisRecords } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3FailureDestination } from '../../../local/poller/failure-destination';
import { type StreamPoller, startStreamPoller } from '../../../local/poller/stream-poller';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { dayNumber } from '../../../shared/layout/day';
import { KeyLayout } from '../../../shared/layout/keys';
import { replayFailures } from '../../../shared/replay/replay-failures';
import type { WriterContext } from '../../../shared/writer/types';
import { writeBatch } from '../../../shared/writer/write-batch';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { tempDataDir, waitUntil } from '../../support/local-stack';
import { MemoryS3 } from '../../support/memory-s3';
import { listKeys, readWriterDay } from '../../support/read-back';

const STREAM = 'outage';
const START = Date.UTC(2026, 6, 1, 23, 59, 50);
const layout = new KeyLayout('');
const quiet = { warn: () => undefined, error: () => undefined };

let kinesis: LocalKinesis;
let zstd: BlockCompressor;
beforeAll(async () => {
  [kinesis, zstd] = await Promise.all([startLocalKinesis(), loadZstd()]);
});
afterAll(() => kinesis.stop());

/** A client of `memory` whose writes below `v1/` fail while `outage.on`, as S3 answering 503 SlowDown. */
function flaky(memory: MemoryS3, outage: { on: boolean }): S3Client {
  const s3 = memory.client();
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (outage.on && context.commandName === 'PutObjectCommand' && key.startsWith('v1/')) {
        throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'outage' },
  );
  return s3;
}

/** Every event stored for the days of the workload, over every writer of each day (replay writers included). */
async function storedEvents(s3: S3Client, days: readonly number[]): Promise<TalesEvent[]> {
  const events: TalesEvent[] = [];
  for (const day of days) {
    const keys = await listKeys(s3, 'tales-test', layout.writersPrefix(day));
    const writers = new Set(keys.filter((k) => k.endsWith('manifest.json')).map((k) => k.split('/')[3] as string));
    for (const writer of writers) events.push(...(await readWriterDay(s3, 'tales-test', layout, zstd, writer, day)).events);
  }
  return events;
}

describe('an S3 outage longer than every retry', () => {
  let poller: StreamPoller | undefined;
  afterAll(() => poller?.stop());

  it('keeps the given-up batch in full, and replay stores it: 0 events lost, 0 doubled, safe to run twice', async () => {
    // GIVEN a consumer on a stream, writing to an S3 that will refuse writes for longer than all retries
    const memory = new MemoryS3();
    const outage = { on: false };
    const context: WriterContext = { s3: flaky(memory, outage), bucket: 'tales-test', layout, zstd };
    await kinesis.createStream(STREAM, 1);
    const data = tempDataDir();
    const given: string[] = [];
    poller = await startStreamPoller({
      kinesis: kinesis.kinesis,
      streamName: STREAM,
      consumer: async (event) => {
        const result = await writeBatch(context, event.Records);
        return { batchItemFailures: result.retryFrom ? [{ itemIdentifier: result.retryFrom }] : [] };
      },
      onFailure: async (batch) => {
        given.push(...batch.records.map((r) => r.kinesis.sequenceNumber));
        await s3FailureDestination(memory.client(), 'tales-test', layout.failedBatchesPrefix(), 'local:outage')(batch);
      },
      checkpointFile: `${data.dir}/checkpoints.json`,
      logger: quiet,
      batchWindowMs: 20,
      idleMs: 10,
      retryBaseMs: 1,
      retryMaxMs: 5,
      retryAttempts: 3,
    });
    const oracle: TalesEvent[] = [];
    let n = 0;
    const publish = async (count: number) => {
      // Events a second apart, across midnight UTC, so a batch spans two writer-days.
      const events = Array.from({ length: count }, () => ({ time: START + n * 1000, actors: [1 + (n % 3), 9], text: `event ${n++}` }));
      oracle.push(...events);
      const Records = events.map((e) => ({ Data: new TextEncoder().encode(JSON.stringify(e)), PartitionKey: '1' }));
      await kinesis.kinesis.send(new PutKinesisRecords({ StreamName: STREAM, Records }));
    };
    const durable = () => poller?.stats.records ?? 0;

    await publish(8);
    await waitUntil('the first events written', async () => durable() === 8);
    // WHEN S3 refuses writes until the batch is given up, and later events come after it recovers
    outage.on = true;
    await publish(12);
    await waitUntil('the batch given up', async () => given.length === 12);
    outage.on = false;
    await publish(8);
    await waitUntil('the later events written', async () => durable() === 16);

    const days = [dayNumber(START), dayNumber(START) + 1];
    const before = await storedEvents(memory.client(), days);
    expect(before).toHaveLength(16);
    const failures = { bucket: 'tales-test', prefix: layout.failedBatchesPrefix() };

    // THEN replay stores exactly the given-up events, with their original times
    const first = await replayFailures(context, failures, { keep: true });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ records: 12, alreadyDurable: 0, removed: false, result: { eventsWritten: 12, retryFrom: undefined } });
    const after = await storedEvents(memory.client(), days);
    const sorted = (events: readonly TalesEvent[]) => [...events].sort((a, b) => a.time - b.time || a.text.localeCompare(b.text));
    expect(sorted(after)).toEqual(sorted(oracle));

    // AND running it again writes nothing more, then removes the batch from the failure destination
    const second = await replayFailures(context, failures);
    expect(second[0]).toMatchObject({ removed: true, result: { eventsWritten: 0, eventsSkipped: 12 } });
    expect(await replayFailures(context, failures)).toEqual([]);
    expect(sorted(await storedEvents(memory.client(), days))).toEqual(sorted(oracle));
    data.remove();
  });
});
