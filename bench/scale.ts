/**
 * Query cost against the number of chunks, on a modeled S3 (MemoryS3: every request waits a
 * first-byte latency plus its bytes at a per-request bandwidth, requests overlapping as the engine
 * issues them). The shared workload is stored by W writers in batches of B events, in arrival order,
 * with the merger run every 5 minutes of simulated time as its schedule would run it; then the
 * reference queries run cold (a new query context) and warm. Env: N (events), SCALE_SHAPES (e.g.
 * "4x145,16x30"), SCALE_MERGE=0 (no merger: the engine without segments), FIRST_BYTE_MS, MB_PER_S.
 */
import { loadavg } from 'node:os';
import type { S3Client } from '@aws-sdk/client-s3';
import { type BlockCompressor, loadZstd } from '../shared/codec/zstd';
import { CLOSE_AFTER_MS, compactDay } from '../shared/compact/compact-day';
import { DAY_MS, dayNumber } from '../shared/layout/day';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../shared/query/context';
import type { QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { mergeDay } from '../shared/tier/merge-day';
import { writeBatch } from '../shared/writer/write-batch';
import { MemoryS3 } from '../test/support/memory-s3';
import { jsonPayload, syntheticRecords } from '../test/support/stream-records';
import { referenceActors } from './query';
import type { BenchTable } from './table';
import { eventAt, generate, type Workload } from './workload';

const MERGE_EVERY_MS = 5 * 60_000;
const DEFAULT_SHAPES = '4x145,4x30,4x10000,16x145,16x30,16x10000';

interface Shape {
  readonly writers: number;
  readonly batch: number;
}

interface Batch {
  readonly writer: number;
  readonly indices: readonly number[];
  /** When the batch reaches the consumer: its last event's time. */
  readonly arrival: number;
}

interface Stored {
  readonly chunks: number;
  readonly mergePuts: number;
  readonly days: number;
}

function writerOf(firstActor: number, writers: number): number {
  return (Math.imul(firstActor, 2_654_435_761) >>> 0) % writers;
}

/** Every writer's batches, in the order they would reach the consumers. */
function batchesOf(workload: Workload, { writers, batch }: Shape): Batch[] {
  const byWriter: number[][] = Array.from({ length: writers }, () => []);
  for (let i = 0; i < workload.ts.length; i++)
    byWriter[writerOf(workload.actorVals[workload.actorOff[i] as number] as number, writers)]?.push(i);
  const batches: Batch[] = [];
  byWriter.forEach((indices, writer) => {
    for (let at = 0; at < indices.length; at += batch) {
      const slice = indices.slice(at, at + batch);
      batches.push({ writer, indices: slice, arrival: workload.ts[slice[slice.length - 1] as number] as number });
    }
  });
  return batches.sort((a, b) => a.arrival - b.arrival);
}

/** Stores the workload batch by batch, running the merger over the open days on its schedule (simulated time). */
async function store(
  workload: Workload,
  shape: Shape,
  s3: S3Client,
  store: MemoryS3,
  layout: KeyLayout,
  zstd: BlockCompressor,
  merge: boolean,
) {
  const context = { s3, bucket: store.bucket, layout, zstd };
  const next = new Map<number, bigint>();
  let chunks = 0;
  let mergePuts = 0;
  let tick = Math.ceil((workload.ts[0] as number) / MERGE_EVERY_MS) * MERGE_EVERY_MS;
  const runMerger = async (now: number) => {
    const before = store.counts.puts;
    // The scheduled merger looks at today and yesterday (late chunks of yesterday still arrive), and seals the day that closed.
    for (const day of new Set([dayNumber(now - MERGE_EVERY_MS), dayNumber(now)])) await mergeDay(context, day, { now });
    await mergeDay(context, dayNumber(now - CLOSE_AFTER_MS) - 1, { seal: true, now });
    mergePuts += store.counts.puts - before;
  };
  for (const batch of batchesOf(workload, shape)) {
    while (merge && tick <= batch.arrival) {
      await runMerger(tick);
      tick += MERGE_EVERY_MS;
    }
    const first = next.get(batch.writer) ?? 49_000_000_000_000_000_000n;
    next.set(batch.writer, first + BigInt(batch.indices.length));
    const payloads = batch.indices.map((i) => {
      const event = eventAt(workload, i);
      return jsonPayload(event, String(event.actors[0]));
    });
    const records = syntheticRecords(payloads, { shardId: `shardId-${String(batch.writer).padStart(12, '0')}`, first });
    const result = await writeBatch(context, records);
    if (result.retryFrom !== undefined) throw new Error(`writer ${batch.writer} failed at ${result.retryFrom}`);
    chunks += result.chunks;
  }
  if (merge) await runMerger(tick);
  const days = dayNumber(workload.ts[workload.ts.length - 1] as number) - dayNumber(workload.ts[0] as number) + 1;
  return { chunks, mergePuts, days } satisfies Stored;
}

function storedBytes(store: MemoryS3, prefix: string, include: (key: string) => boolean): number {
  let bytes = 0;
  for (const [key, object] of store.objects) if (key.startsWith(prefix) && include(key)) bytes += object.body.length;
  return bytes;
}

async function timed(ctx: QueryContext, modeled: MemoryS3, request: QueryRequest) {
  modeled.resetCounts();
  const start = performance.now();
  const result = await runQuery(ctx, request);
  return { ms: performance.now() - start, gets: modeled.counts.gets, lists: modeled.counts.lists, rows: result.events.length };
}

export async function benchScale(): Promise<BenchTable[]> {
  const workload = generate();
  const n = workload.ts.length;
  const zstd = await loadZstd();
  const merge = process.env.SCALE_MERGE !== '0';
  const firstByteMs = Number(process.env.FIRST_BYTE_MS ?? 20);
  const mbPerS = Number(process.env.MB_PER_S ?? 90);
  const shapes = (process.env.SCALE_SHAPES ?? DEFAULT_SHAPES).split(',').map((text) => {
    const [writers, batch] = text.split('x').map(Number);
    return { writers: writers as number, batch: batch as number };
  });
  const { hot, rare } = referenceActors(workload);
  const first = workload.ts[0] as number;
  const last = workload.ts[n - 1] as number;
  const today = dayNumber(last) * DAY_MS;
  const queries: [string, QueryRequest][] = [
    ['rare all', { actors: [rare], from: first, to: last, limit: 50 }],
    ['hot newest 50', { actors: [hot], from: last, to: first, limit: 50 }],
    ['rare today', { actors: [rare], from: today, to: last, limit: 1000 }],
  ];
  const rows: (string | number)[][] = [];
  for (const shape of shapes) {
    const started = performance.now();
    const loading = new MemoryS3('bench-scale');
    const layout = new KeyLayout('scale/');
    const stored = await store(workload, shape, loading.client(), loading, layout, zstd, merge);
    const chunkBytes = storedBytes(loading, layout.prefix, (key) => key.endsWith('.tale') && key.includes('/w/'));
    const indexBytes = storedBytes(loading, layout.prefix, (key) => key.includes('/tier/'));
    const loadSeconds = (performance.now() - started) / 1000;

    const modeled = new MemoryS3('bench-scale', { firstByteMs, bytesPerSecond: mbPerS * 1_000_000 });
    for (const [key, object] of loading.objects) modeled.objects.set(key, object);
    const s3 = modeled.client();
    const ctx = () => createQueryContext({ s3, bucket: modeled.bucket, layout, zstd });
    const warmCtx = ctx();
    const row: (string | number)[] = [`${shape.writers} × ${shape.batch}`, stored.chunks];
    for (const [, request] of queries) {
      const cold = await timed(ctx(), modeled, request);
      await timed(warmCtx, modeled, request);
      const warm = await timed(warmCtx, modeled, request);
      row.push(cold.gets, cold.ms, warm.ms);
    }
    row.push(stored.mergePuts / stored.days, (chunkBytes + indexBytes) / n);

    // The day closes: compaction rewrites it (forced: the simulated clock is not 26 h on).
    const context = { s3: loading.client(), bucket: loading.bucket, layout, zstd };
    for (let day = dayNumber(first); day <= dayNumber(last); day++) await compactDay(context, day, { now: Date.now(), force: true });
    row.push(storedBytes(loading, layout.prefix, (key) => key.includes('/compact/')) / n, (performance.now() - started) / 1000);
    rows.push(row);
    console.error(
      `scale ${shape.writers}x${shape.batch} (stored in ${loadSeconds.toFixed(0)} s, load average ${loadavg()[0]?.toFixed(1)}): ${row.map((cell) => (typeof cell === 'number' ? cell.toFixed(1) : cell)).join(' | ')}`,
    );
  }
  return [
    {
      title: `Scale: ${n.toLocaleString('en-US')} events on a modeled S3 (${firstByteMs} ms + ${mbPerS} MB/s a request)${merge ? ', merger every 5 min' : ', no merger'}`,
      columns: [
        'writers × batch',
        'chunks',
        ...queries.flatMap(([name]) => [`${name} cold GETs`, `${name} cold ms`, `${name} warm ms`]),
        'merge PUTs/day',
        'B/event open',
        'B/event closed',
        'bench s',
      ],
      rows,
      notes: [
        `rare all: actor ${rare}, oldest 50 over all days; hot newest 50: actor ${hot}; rare today: all its rows on the last day.`,
        'Cold: a new query context (a new Lambda); warm: the third run on one context. GETs counted by the store (lists apart).',
        'B/event open: writer chunks plus merged index segments; closed: the compacted day (index + data) that replaces them.',
      ],
    },
  ];
}
