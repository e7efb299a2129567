import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StreamPoller, startStreamPoller } from '../../../local/poller/stream-poller';
import type { BatchConsumer } from '../../../local/poller/types';
import { type LocalKinesis, startLocalKinesis } from '../../support/local-kinesis';
import { tempDataDir, waitUntil } from '../../support/local-stack';

const STREAM = 'poller-test';
/** Hash keys that land in the first and the second of two shards. */
const SHARD_KEYS = ['1', (2n ** 127n + 1n).toString()];

interface Call {
  readonly shardId: string;
  readonly sequenceNumbers: string[];
  readonly texts: string[];
}

const quiet = { warn: () => undefined, error: () => undefined };

describe('the stream poller, against kinesalite', () => {
  let local: LocalKinesis;
  let data: ReturnType<typeof tempDataDir>;
  let poller: StreamPoller | undefined;
  const checkpointFile = () => join(data.dir, 'checkpoints.json');

  beforeEach(async () => {
    local = await startLocalKinesis();
    data = tempDataDir();
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    await local.stop();
    data.remove();
  });

  /** Puts `texts` in order into shard `shard` (0 or 1 of two); returns their sequence numbers. */
  async function put(texts: string[], shard = 0): Promise<string[]> {
    const Records = texts.map((text) => ({ Data: new TextEncoder().encode(text), PartitionKey: 'p', ExplicitHashKey: SHARD_KEYS[shard] }));
    const out = await local.kinesis.send(new PutRecordsCommand({ StreamName: STREAM, Records }));
    return (out.Records ?? []).map((r) => r.SequenceNumber as string);
  }

  /** A consumer that records each call and answers with `respond` (default: everything written). */
  function recorder(respond?: (call: Call, index: number) => Promise<KinesisStreamBatchResponse | undefined>) {
    const calls: Call[] = [];
    const consumer: BatchConsumer = async (event: KinesisStreamEvent) => {
      const call = {
        shardId: (event.Records[0]?.eventID ?? '').split(':')[0] as string,
        sequenceNumbers: event.Records.map((r) => r.kinesis.sequenceNumber),
        texts: event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()),
      };
      calls.push(call);
      return respond ? respond(call, calls.length - 1) : { batchItemFailures: [] };
    };
    return { calls, consumer };
  }

  const start = (consumer: BatchConsumer, batchSize = 10) =>
    startStreamPoller({
      kinesis: local.kinesis,
      streamName: STREAM,
      consumer,
      checkpointFile: checkpointFile(),
      logger: quiet,
      batchSize,
      batchWindowMs: 100,
      idleMs: 10,
      retryBaseMs: 5,
      retryMaxMs: 20,
      discoverMs: 50,
    });

  const checkpoints = async () =>
    (JSON.parse(await readFile(checkpointFile(), 'utf8')) as { shards: Record<string, { sequenceNumber?: string; ended?: boolean }> })
      .shards;
  const delivered = (calls: Call[]) => calls.flatMap((c) => c.texts);

  it('delivers every record once, in order per shard, in batches of at most the batch size, and checkpoints the last', async () => {
    const [shard0, shard1] = await local.createStream(STREAM, 2);
    const first = await put(
      Array.from({ length: 13 }, (_, i) => `a${i}`),
      0,
    );
    const second = await put(
      Array.from({ length: 12 }, (_, i) => `b${i}`),
      1,
    );
    const { calls, consumer } = recorder();
    poller = await start(consumer);
    await waitUntil('25 records', async () => delivered(calls).length >= 25);
    await poller.stop();

    const of = (shard: string | undefined) => calls.filter((c) => c.shardId === shard);
    expect(of(shard0).map((c) => c.sequenceNumbers.length)).toEqual([10, 3]);
    expect(of(shard1).map((c) => c.sequenceNumbers.length)).toEqual([10, 2]);
    expect(of(shard0).flatMap((c) => c.sequenceNumbers)).toEqual(first);
    expect(of(shard1).flatMap((c) => c.sequenceNumbers)).toEqual(second);
    expect(await checkpoints()).toEqual({
      [shard0 as string]: { sequenceNumber: first.at(-1) },
      [shard1 as string]: { sequenceNumber: second.at(-1) },
    });
    expect(poller.stats).toEqual({ batches: 4, records: 25, failures: 0 });
  });

  it('retries from the first failed record, having checkpointed the records before it', async () => {
    const [shard] = await local.createStream(STREAM, 1);
    const sequenceNumbers = await put(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    const seen: unknown[] = [];
    const { calls, consumer } = recorder(async (call, index) => {
      if (index === 1) seen.push(await checkpoints());
      return { batchItemFailures: index === 0 ? [{ itemIdentifier: call.sequenceNumbers[3] as string }] : [] };
    });
    poller = await start(consumer);
    await waitUntil('the retry', async () => calls.length >= 2);
    await poller.stop();

    expect(calls.map((c) => c.texts)).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'],
      ['r3', 'r4', 'r5'],
    ]);
    expect(seen).toEqual([{ [shard as string]: { sequenceNumber: sequenceNumbers[2] } }]);
    expect(await checkpoints()).toEqual({ [shard as string]: { sequenceNumber: sequenceNumbers[5] } });
    expect(poller.stats).toEqual({ batches: 1, records: 6, failures: 1 });
  });

  it('delivers a batch that threw again whole, without checkpointing it', async () => {
    await local.createStream(STREAM, 1);
    await put(['x0', 'x1', 'x2']);
    let existed: boolean | undefined;
    const { calls, consumer } = recorder(async (_call, index) => {
      if (index === 1)
        existed = await readFile(checkpointFile()).then(
          () => true,
          () => false,
        );
      if (index === 0) throw new Error('S3 is down');
      return { batchItemFailures: [] };
    });
    poller = await start(consumer);
    await waitUntil('the retry', async () => calls.length >= 2);
    await poller.stop();

    expect(calls.map((c) => c.texts)).toEqual([
      ['x0', 'x1', 'x2'],
      ['x0', 'x1', 'x2'],
    ]);
    expect(existed).toBe(false);
  });

  it('treats item failures that name no record of the batch as a failure of the whole batch', async () => {
    await local.createStream(STREAM, 1);
    await put(['y0', 'y1']);
    const { calls, consumer } = recorder(async (_call, index) => ({ batchItemFailures: index === 0 ? [{ itemIdentifier: '123' }] : [] }));
    poller = await start(consumer);
    await waitUntil('the retry', async () => calls.length >= 2);
    await poller.stop();
    expect(calls.map((c) => c.texts)).toEqual([
      ['y0', 'y1'],
      ['y0', 'y1'],
    ]);
  });

  it('resumes after its checkpoints when started again', async () => {
    await local.createStream(STREAM, 2);
    await put(['old0', 'old1'], 0);
    await put(['old2'], 1);
    const before = recorder();
    poller = await start(before.consumer);
    await waitUntil('the old records', async () => delivered(before.calls).length >= 3);
    await poller.stop();

    await put(['new0'], 0);
    await put(['new1', 'new2'], 1);
    const after = recorder();
    poller = await start(after.consumer);
    await waitUntil('the new records', async () => delivered(after.calls).length >= 3);
    await poller.stop();
    expect(delivered(after.calls).sort()).toEqual(['new0', 'new1', 'new2']);
  });

  it('stops only after the batch in flight is written and checkpointed', async () => {
    const [shard] = await local.createStream(STREAM, 1);
    const sequenceNumbers = await put(['s0', 's1']);
    let release: () => void = () => undefined;
    const { calls, consumer } = recorder(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ batchItemFailures: [] });
        }),
    );
    poller = await start(consumer);
    await waitUntil('the batch', async () => calls.length === 1);
    let stopped = false;
    const stopping = poller.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(calls).toHaveLength(1);
    expect(await checkpoints()).toEqual({ [shard as string]: { sequenceNumber: sequenceNumbers[1] } });
  });

  it('reads a parent shard to its end before the children a split made', async () => {
    const [parent] = await local.createStream(STREAM, 1);
    await put(['p0', 'p1', 'p2']);
    await local.kinesis.send(
      new SplitShardCommand({ StreamName: STREAM, ShardToSplit: parent, NewStartingHashKey: (2n ** 127n).toString() }),
    );
    await put(['c0', 'c1'], 0);
    await put(['c2'], 1);
    const { calls, consumer } = recorder();
    poller = await start(consumer);
    await waitUntil('all records', async () => delivered(calls).length >= 6);
    await poller.stop();

    const lastParent = calls.findLastIndex((c) => c.shardId === parent);
    const firstChild = calls.findIndex((c) => c.shardId !== parent);
    expect(lastParent).toBeLessThan(firstChild);
    expect(delivered(calls).sort()).toEqual(['c0', 'c1', 'c2', 'p0', 'p1', 'p2']);
    expect((await checkpoints())[parent as string]?.ended).toBe(true);
  });
});
