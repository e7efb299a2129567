/**
 * Ingest figures on the shared workload: TalesProducer throughput into an in-process kinesalite with
 * batching (up to 500 records per PutRecords) and with one record per call; the ingest handler's time
 * per request of 1 and 500 events, with Kinesis answered in-process (the handler's own overhead:
 * parse, validate, encode, respond) and against kinesalite.
 */
import type { KinesisClient, PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { createIngestHandler } from '../lambdas/ingest/handler';
import { functionUrlEvent, lambdaContext } from '../local/lambda/function-url';
import { TalesProducer } from '../shared/client/producer';
import type { TalesEvent } from '../shared/event/types';
import type { IngestSettings } from '../shared/ingest/types';
import { DAY_MS } from '../shared/layout/day';
import { startLocalKinesis } from '../test/support/local-kinesis';
import { type BenchTable, percentiles } from './table';
import { eventAt, generate, T0 } from './workload';

const BATCHED_EVENTS = 20_000;
const UNBATCHED_EVENTS = 1_000;
const REQUESTS = 200;

export async function benchIngest(): Promise<BenchTable[]> {
  const workload = generate(BATCHED_EVENTS);
  const events = Array.from({ length: BATCHED_EVENTS }, (_, i) => eventAt(workload, i));
  const local = await startLocalKinesis();
  try {
    await local.createStream('bench-producer', 4);
    await local.createStream('bench-ingest', 4);
    const producerRows = [
      await producerRow('batched (≤ 500 per call)', local.kinesis, events, 500),
      await producerRow('one record per call', local.kinesis, events.slice(0, UNBATCHED_EVENTS), 1),
    ];
    const handlerRows = [];
    for (const size of [1, 500]) {
      handlerRows.push(await handlerRow(`${size} event${size === 1 ? '' : 's'}, Kinesis in-process`, inProcessKinesis(), events, size));
      handlerRows.push(await handlerRow(`${size} event${size === 1 ? '' : 's'}, kinesalite`, local.kinesis, events, size));
    }
    return [
      {
        title: 'Producer throughput into kinesalite (4 shards)',
        columns: ['mode', 'events', 'seconds', 'events/s', 'PutRecords calls'],
        rows: producerRows,
        notes: [
          'kinesalite is a single-process emulator; AWS answers a PutRecords call in tens of ms, so the ratio matters more than the rate.',
        ],
      },
      {
        title: 'Ingest handler time per request (ms)',
        columns: ['request', 'requests', 'p50', 'p95', 'events/s at p50'],
        rows: handlerRows,
        notes: ['"Kinesis in-process" answers PutRecords at once: what remains is the handler (parse, validate, encode, respond).'],
      },
    ];
  } finally {
    await local.stop();
  }
}

async function producerRow(mode: string, kinesis: KinesisClient, events: readonly TalesEvent[], maxBatchRecords: number) {
  const producer = new TalesProducer({ streamName: 'bench-producer', kinesis, maxBatchRecords, lingerMs: 10 });
  let calls = 0;
  producer.on('sent', () => calls++);
  const started = performance.now();
  for (const event of events) await producer.log(event);
  await producer.close();
  const seconds = (performance.now() - started) / 1000;
  return [mode, events.length, seconds, events.length / seconds, calls];
}

async function handlerRow(name: string, kinesis: KinesisClient, events: readonly TalesEvent[], size: number) {
  const settings: IngestSettings = {
    streamName: 'bench-ingest',
    skewPastMs: 366 * DAY_MS,
    skewFutureMs: 366 * DAY_MS,
    maxBodyBytes: 6_000_000,
    maxEvents: 10_000,
  };
  const handler = createIngestHandler({ settings, kinesis, logger: { error: (message) => console.error(message) }, clock: () => T0 });
  const bodies = Array.from({ length: REQUESTS }, (_, r) =>
    JSON.stringify(events.slice((r * size) % events.length, ((r * size) % events.length) + size)),
  );
  const samples: number[] = [];
  for (const [r, body] of bodies.entries()) {
    const started = performance.now();
    const response = await handler(functionUrlEvent({ method: 'POST', path: '/events', body }), lambdaContext(30_000));
    const ms = performance.now() - started;
    if (typeof response !== 'object' || response.statusCode !== 202) throw new Error(`request ${r} answered ${JSON.stringify(response)}`);
    if (r >= 10) samples.push(ms);
  }
  const { p50, p95 } = percentiles(samples);
  return [name, samples.length, p50, p95, (size * 1000) / p50];
}

/** A Kinesis client stand-in that accepts every record at once, to time the handler alone. */
function inProcessKinesis(): KinesisClient {
  const send = async (command: PutRecordsCommand): Promise<Partial<PutRecordsCommandOutput>> => ({
    FailedRecordCount: 0,
    Records: (command.input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
  });
  return { send } as unknown as KinesisClient;
}
