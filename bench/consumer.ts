/**
 * Consumer figures: the handler on 10,000-record Kinesis batches of the shared workload against an
 * in-process s3rver, its time split into decode, chunk build and S3, the PUTs per batch and the
 * bytes stored per event; then a writer-day of small batches on the modeled S3 (consumer-day.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createConsumerHandler } from '../lambdas/consumer/handler';
import { lambdaContext } from '../local/lambda/function-url';
import { loadZstd } from '../shared/codec/zstd';
import type { TalesEvent } from '../shared/event/types';
import { DAY_MS } from '../shared/layout/day';
import { KeyLayout } from '../shared/layout/keys';
import type { BatchResult } from '../shared/writer/types';
import { startLocalS3 } from '../test/support/local-s3';
import { jsonPayload, kinesisEvent, type Payload, syntheticRecords } from '../test/support/stream-records';
import { benchConsumerDay } from './consumer-day';
import { type BenchTable, percentiles } from './table';
import { eventAt, generate, T0 } from './workload';

const BATCH = 10_000;
const MEASURED = 8;

interface Scenario {
  readonly name: string;
  /** Record i of a batch whose workload event is `event`. */
  readonly payload: (event: TalesEvent, i: number) => Payload;
  /** Moves batch b's events in time so that it straddles midnight UTC (two days touched). */
  readonly acrossMidnight?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'one day', payload: (event) => jsonPayload(event) },
  { name: 'across midnight', payload: (event) => jsonPayload(event), acrossMidnight: true },
  { name: '1% invalid', payload: (event, i) => (i % 100 === 50 ? jsonPayload({ ...event, actors: [] }) : jsonPayload(event)) },
];

/** Both consumer tables; `--day` runs only the writer-day of small batches. */
export async function benchConsumer(options: readonly string[] = []): Promise<BenchTable[]> {
  const day = await benchConsumerDay();
  return options.includes('--day') ? day : [...(await benchLargeBatches()), ...day];
}

async function benchLargeBatches(): Promise<BenchTable[]> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const workload = generate(BATCH * (MEASURED + 1));
  const local = await startLocalS3();
  const rows: (string | number)[][] = [];
  try {
    for (const [s, scenario] of SCENARIOS.entries()) {
      const summaries: Omit<BatchResult, 'failures'>[] = [];
      const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
      logger.info = ((_: string, summary: Omit<BatchResult, 'failures'>) => summaries.push(summary)) as typeof logger.info;
      const handler = createConsumerHandler({
        writer: { s3: local.s3, bucket: local.bucket, layout: new KeyLayout(`bench${s}/`) },
        zstd: loadZstd(),
        logger,
        metrics: new Metrics({ namespace: 'Bench', serviceName: 'bench' }),
      });
      const handlerMs: number[] = [];
      for (let b = 0; b <= MEASURED; b++) {
        const shift = scenario.acrossMidnight ? T0 + (b + 1) * DAY_MS - eventAt(workload, b * BATCH + BATCH / 2).time : 0;
        const payloads = Array.from({ length: BATCH }, (_, i) => {
          const event = eventAt(workload, b * BATCH + i);
          return scenario.payload({ ...event, time: event.time + shift }, i);
        });
        const records = syntheticRecords(payloads, { first: 49_000_000_000_000_000_000n + BigInt(b * BATCH), arrivalMs: T0 });
        const start = performance.now();
        const response = await handler(kinesisEvent(records), lambdaContext());
        if (response.batchItemFailures.length) throw new Error(`bench batch ${b} failed`);
        if (b > 0) handlerMs.push(performance.now() - start);
        else summaries.length = 0;
      }
      const mean = (pick: (summary: Omit<BatchResult, 'failures'>) => number) =>
        summaries.reduce((total, summary) => total + pick(summary), 0) / summaries.length;
      const { p50, p95 } = percentiles(handlerMs);
      rows.push([
        scenario.name,
        p50,
        p95,
        mean((r) => r.decodeMs),
        mean((r) => r.buildMs),
        mean((r) => r.s3Ms),
        mean((r) => r.chunks),
        mean((r) => r.puts),
        mean((r) => r.bytesPut) / mean((r) => r.eventsWritten),
        Math.round(BATCH / (p50 / 1000)),
      ]);
    }
  } finally {
    await local.stop();
  }
  return [
    {
      title: `Consumer: handler on ${BATCH.toLocaleString('en-US')}-record batches (in-process s3rver)`,
      columns: ['batch', 'p50 ms', 'p95 ms', 'decode ms', 'build ms', 'S3 ms', 'chunks', 'PUTs', 'bytes/event stored', 'records/s'],
      rows,
      notes: [
        `Mean of ${MEASURED} batches after one warm-up; each batch appends a chunk to the day(s) the previous ones wrote.`,
        'S3 ms sums the calls (manifest GET, chunk PUT, manifest PUT per day, rejected PUT); days are written in parallel.',
        'PUTs per batch: one chunk and one manifest per day touched, plus one rejected object when a batch has invalid records.',
        'Bytes stored per event count chunks, manifests and rejected objects; the JSON records average about 100 bytes.',
      ],
    },
  ];
}
