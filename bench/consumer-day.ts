/**
 * One writer's day of small batches on a modeled S3: what a batch costs at the start of the day and
 * at its end, when the writer-day manifest lists every chunk written so far. The store answers at
 * once and adds up the time each request would have waited (first-byte latency plus bytes at the
 * per-request bandwidth), so a day of batches runs in seconds and its S3 time does not depend on the
 * machine's load; the CPU time does.
 */
import { loadZstd } from '../shared/codec/zstd';
import { KeyLayout } from '../shared/layout/keys';
import { decodeManifest, encodeManifest } from '../shared/manifest/manifest-codec';
import { ManifestCache } from '../shared/writer/manifest-cache';
import type { WriterContext } from '../shared/writer/types';
import { writeBatch } from '../shared/writer/write-batch';
import { MemoryS3 } from '../test/support/memory-s3';
import { jsonPayload, syntheticRecords } from '../test/support/stream-records';
import type { BenchTable } from './table';
import { eventAt, generate, type Workload } from './workload';

const BATCH = Number(process.env.CONSUMER_DAY_BATCH ?? 30);
const BATCHES = Number(process.env.CONSUMER_DAY_BATCHES ?? 1_440);
const WINDOW = 100;
const FIRST_BYTE_MS = 20;
const MB_PER_S = 90;

interface BatchCost {
  readonly gets: number;
  readonly puts: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly cpuMs: number;
  readonly s3Ms: number;
}

interface Setup {
  readonly name: string;
  readonly cache: boolean;
}

const SETUPS: Setup[] = [
  { name: 'no cache', cache: false },
  { name: 'manifest cache', cache: true },
];

export async function benchConsumerDay(): Promise<BenchTable[]> {
  const workload = generate(BATCH * BATCHES);
  const rows: (string | number)[][] = [];
  let last: Uint8Array = new Uint8Array(0);
  // A short day first, unrecorded, so that the first setup's early batches are not the JIT's warm-up.
  await writeDay(workload, SETUPS[1] as Setup, 2 * WINDOW);
  for (const setup of SETUPS) {
    const day = await writeDay(workload, setup, BATCHES);
    rows.push(...day.rows);
    last = day.manifest;
  }
  const manifestKey = new KeyLayout('day/').manifestKey(0, 'shardId-000000000000');
  const decodeMs = median(Array.from({ length: 20 }, () => timed(() => decodeManifest(last, manifestKey))));
  const manifest = decodeManifest(last, manifestKey);
  const encodeMs = median(Array.from({ length: 20 }, () => timed(() => encodeManifest(manifest))));
  return [
    {
      title: `Consumer: one writer-day of ${BATCHES.toLocaleString('en-US')} batches of ${BATCH} events (MemoryS3, modeled ${FIRST_BYTE_MS} ms + ${MB_PER_S} MB/s a request)`,
      columns: [
        'setup',
        'batches',
        'GETs/batch',
        'PUTs/batch',
        'KB read/batch',
        'KB written/batch',
        'CPU ms (p50)',
        'modeled S3 ms',
        'total ms',
      ],
      rows,
      notes: [
        'Per batch, mean over the window (CPU: median): requests and bytes counted by the store; modeled S3 ms sums the waits of its requests, which run one after another.',
        `The day's last manifest: ${last.length.toLocaleString('en-US')} bytes, ${manifest.chunks.length.toLocaleString('en-US')} chunks; decode ${decodeMs.toFixed(2)} ms, encode ${encodeMs.toFixed(2)} ms (median of 20).`,
      ],
    },
  ];
}

/** One writer's day of batches under `setup`: the table rows of its windows, and its last manifest's bytes. */
async function writeDay(workload: Workload, setup: Setup, batches: number): Promise<{ rows: (string | number)[][]; manifest: Uint8Array }> {
  let waited = 0;
  const store = new MemoryS3('bench-day', {
    firstByteMs: FIRST_BYTE_MS,
    bytesPerSecond: MB_PER_S * 1_000_000,
    sleep: (ms) => {
      waited += ms;
      return Promise.resolve();
    },
  });
  const layout = new KeyLayout('day/');
  const context: WriterContext = {
    s3: store.client(),
    bucket: store.bucket,
    layout,
    zstd: await loadZstd(),
    ...(setup.cache ? { manifests: new ManifestCache() } : {}),
  };
  const costs: BatchCost[] = [];
  for (let b = 0; b < batches; b++) {
    const payloads = Array.from({ length: BATCH }, (_, i) => jsonPayload(eventAt(workload, b * BATCH + i)));
    const records = syntheticRecords(payloads, { first: 49_000_000_000_000_000_000n + BigInt(b * BATCH) });
    const before = { ...store.counts, waited };
    const start = performance.now();
    // The writer's clock is the batch's last event, as a consumer's would be: no chunk is late (format.md, Late chunks).
    const arrival = eventAt(workload, (b + 1) * BATCH - 1).time;
    const result = await writeBatch({ ...context, clock: () => arrival }, records);
    const cpuMs = performance.now() - start;
    if (result.retryFrom !== undefined) throw new Error(`batch ${b} failed: ${String(result.failures[0]?.error)}`);
    costs.push({
      gets: store.counts.gets - before.gets,
      puts: store.counts.puts - before.puts,
      bytesOut: store.counts.bytesOut - before.bytesOut,
      bytesIn: store.counts.bytesIn - before.bytesIn,
      cpuMs,
      s3Ms: waited - before.waited,
    });
  }
  const windows = [0, Math.floor(batches / 2 / WINDOW) * WINDOW, batches - WINDOW];
  const rows = windows.map((from) => {
    const slice = costs.slice(from, from + WINDOW);
    const mean = (pick: (cost: BatchCost) => number) => slice.reduce((total, cost) => total + pick(cost), 0) / slice.length;
    return [
      setup.name,
      `${(from + 1).toLocaleString('en-US')}–${(from + slice.length).toLocaleString('en-US')}`,
      mean((c) => c.gets),
      mean((c) => c.puts),
      mean((c) => c.bytesOut) / 1000,
      mean((c) => c.bytesIn) / 1000,
      median(slice.map((c) => c.cpuMs)),
      mean((c) => c.s3Ms),
      median(slice.map((c) => c.cpuMs)) + mean((c) => c.s3Ms),
    ];
  });
  const manifest = [...store.objects].find(([key]) => key.endsWith('manifest.json'))?.[1].body ?? new Uint8Array(0);
  return { rows, manifest };
}

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
