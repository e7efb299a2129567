import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../local/poller/checkpoint-store';
import { readShard } from '../../../local/poller/shard-reader';
import type { PollingOptions } from '../../../local/poller/types';
import { tempDataDir } from '../../support/local-stack';

const SHARD = 'shardId-000000000000';
/** Fake time that passes with each GetRecords call, as a real read and the idle wait after it would take. */
const READ_MS = 300;
const quiet = { warn: () => undefined, error: () => undefined };

const record = (n: number) => ({
  SequenceNumber: String(49_000_000_000_000_000_000n + BigInt(n)),
  Data: new TextEncoder().encode(`r${n}`),
  PartitionKey: 'p',
  ApproximateArrivalTimestamp: new Date(Date.UTC(2026, 6, 1)),
});

interface Delivery {
  readonly texts: string[];
  /** Fake time at the consumer's call. */
  readonly at: number;
}

/**
 * Reads one shard whose GetRecords calls answer `pages` in turn (then nothing), with fake time moving
 * READ_MS per call; returns each consumer call and when each record was read. Stops after `calls` deliveries.
 */
async function readPages(pages: number[][], batchWindowMs: number, calls = 1) {
  const kinesis = new KinesisClient({ region: 'us-east-1' });
  const mock = mockClient(kinesis);
  let now = 1_000_000;
  let reads = 0;
  /** Fake time at which each record was read, by text. */
  const readAt = new Map<string, number>();
  mock.on(GetShardIteratorCommand).resolves({ ShardIterator: 'iterator-0' });
  mock.on(GetRecordsCommand).callsFake(() => {
    now += READ_MS;
    const page = pages[reads++] ?? [];
    for (const n of page) readAt.set(`r${n}`, now);
    return { Records: page.map(record), NextShardIterator: `iterator-${reads}`, MillisBehindLatest: 0 };
  });
  const data = tempDataDir();
  const abort = new AbortController();
  const deliveries: Delivery[] = [];
  const options: Required<PollingOptions> = {
    batchSize: 10_000,
    batchWindowMs,
    idleMs: 1,
    retryBaseMs: 1,
    retryMaxMs: 1,
    retryAttempts: 10,
    maxRecordAgeMs: 3_600_000,
  };
  try {
    await readShard({
      kinesis,
      streamName: 'stream',
      shardId: SHARD,
      origin: {},
      consumer: async (event: KinesisStreamEvent) => {
        deliveries.push({ texts: event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()), at: now });
        if (deliveries.length >= calls) abort.abort();
        return { batchItemFailures: [] };
      },
      checkpoints: await CheckpointStore.open(join(data.dir, 'checkpoints.json'), 'stream'),
      logger: quiet,
      stats: { batches: 0, records: 0, failures: 0 },
      options,
      signal: abort.signal,
      clock: () => now,
    });
  } finally {
    mock.restore();
    data.remove();
  }
  return { deliveries, readAt };
}

describe('a shard reader, with a fake clock', () => {
  it('delivers a batch once its batching window since the first record has passed, far from full, with what arrived within the window', async () => {
    const { deliveries, readAt } = await readPages([[], [0], [1, 2], [], [3], [4], [5]], 1000);
    // Reads at +0 (r0), +300, +600, +900 and +1200 ms: the read past the window closes the batch.
    expect(deliveries).toEqual([{ texts: ['r0', 'r1', 'r2', 'r3', 'r4'], at: (readAt.get('r0') as number) + 1200 }]);
  });

  it('keeps every record within its window plus one read, batch after batch', async () => {
    const pages = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? [] : [i]));
    const windowMs = 2000;
    const { deliveries, readAt } = await readPages(pages, windowMs, 4);
    const delivered = deliveries.flatMap((d) => d.texts);
    expect(delivered).toEqual(
      pages
        .flat()
        .map((n) => `r${n}`)
        .slice(0, delivered.length),
    );
    for (const { texts, at } of deliveries) {
      const opened = readAt.get(texts[0] as string) as number;
      expect(at - opened).toBeGreaterThanOrEqual(windowMs);
      expect(at - opened).toBeLessThan(windowMs + READ_MS);
    }
  });

  it('with a window of 0, delivers each read that found records at once', async () => {
    const { deliveries, readAt } = await readPages([[0, 1], [2]], 0, 2);
    expect(deliveries).toEqual([
      { texts: ['r0', 'r1'], at: readAt.get('r0') },
      { texts: ['r2'], at: readAt.get('r2') },
    ]);
  });
});
