/**
 * Query cost against the number of chunks, on a modeled S3 (MemoryS3: every request waits a
 * first-byte latency plus its bytes at a per-request bandwidth, requests overlapping as the engine
 * issues them). The shared workload is stored by W writers in batches of B events, in arrival order,
 * with the merger run every 5 minutes of simulated time as its schedule would run it; then the
 * reference queries run cold (a new query context) and warm. Env: N (events), SCALE_SHAPES (e.g.
 * "4x145,16x30"), SCALE_MERGE=0 (no merger and no compactor: the engine without segments), FIRST_BYTE_MS,
 * MB_PER_S, SCALE_TRACE=1 (print every request of each cold query), SCALE_PROFILE=<folder> (write a CPU
 * profile of each timed query there), SCALE_SNAPSHOT=<folder> (keep each
 * stored shape there, and read it back on the next run instead of storing it again).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { S3Client } from '@aws-sdk/client-s3';
import { type BlockCompressor, loadZstd } from '../shared/codec/zstd';
import { compactDay } from '../shared/compact/compact-day';
import { runCompaction } from '../shared/compact/run-compaction';
import { CLOSE_AFTER_MS, DAY_MS, dayName, dayNumber } from '../shared/layout/day';
import { KeyLayout } from '../shared/layout/keys';
import type { QueryRequest } from '../shared/query/request';
import { mergeDay } from '../shared/tier/merge-day';
import { ManifestCache } from '../shared/writer/manifest-cache';
import { writeBatch } from '../shared/writer/write-batch';
import { MemoryS3 } from '../test/support/memory-s3';
import { jsonPayload, syntheticRecords } from '../test/support/stream-records';
import { referenceActors } from './query';
import { runScaleQueries } from './scale-queries';
import type { BenchTable } from './table';
import { eventAt, generate, type Workload } from './workload';

const MERGE_EVERY_MS = 5 * 60_000;
/** The compactor's default schedule (lib/tales-log-props.ts): daily at 02:30 UTC, with its default grace and lookback. */
const COMPACT_AT_MS = 2.5 * 3_600_000;
const COMPACT_GRACE_MS = 3_600_000;
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

/** What the merger's or the compactor's runs cost while storing: requests, and ms on a store that answers at once (CPU only). */
interface Requests {
  gets: number;
  puts: number;
  lists: number;
  ms: number;
}

interface Stored {
  readonly chunks: number;
  readonly mergePuts: number;
  /** The requests of the merger's and the compactor's runs (absent from snapshots saved before they were counted). */
  readonly merger?: Requests;
  readonly compactor?: Requests;
  readonly days: number;
  /** The simulated time the store was left at: the schedules' last run. */
  readonly end: number;
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

/**
 * Stores the workload batch by batch, running the merger over the open days and the compactor over the
 * closed ones on their schedules (simulated time), so the store ends as a deployment's would: old days
 * compacted (and swept), the day that closed last sealed, the open days in segments and writer chunks.
 */
async function store(
  workload: Workload,
  shape: Shape,
  s3: S3Client,
  store: MemoryS3,
  layout: KeyLayout,
  zstd: BlockCompressor,
  merge: boolean,
) {
  // The writer's clock is the batch's arrival, as a consumer's would be: no chunk is late (format.md, Late chunks).
  let arrival = 0;
  const context = { s3, bucket: store.bucket, layout, zstd, clock: () => arrival };
  const next = new Map<number, bigint>();
  // Each shard's consumer keeps the manifests it wrote, as a warm consumer Lambda does: no GET (and decode) of its manifest per batch.
  const manifests = new Map<number, ManifestCache>();
  let chunks = 0;
  let mergePuts = 0;
  const merger: Requests = { gets: 0, puts: 0, lists: 0, ms: 0 };
  const compactor: Requests = { gets: 0, puts: 0, lists: 0, ms: 0 };
  const counted = async (into: Requests, run: () => Promise<void>) => {
    const { gets, puts, lists } = store.counts;
    const started = performance.now();
    await run();
    into.ms += performance.now() - started;
    into.gets += store.counts.gets - gets;
    into.puts += store.counts.puts - puts;
    into.lists += store.counts.lists - lists;
  };
  let tick = Math.ceil((workload.ts[0] as number) / MERGE_EVERY_MS) * MERGE_EVERY_MS;
  const runMerger = async (now: number) => {
    const before = store.counts.puts;
    await counted(merger, async () => {
      // The scheduled merger looks at today and yesterday (late chunks of yesterday still arrive), and seals the day that closed.
      for (const day of new Set([dayNumber(now - MERGE_EVERY_MS), dayNumber(now)])) await mergeDay(context, day, { now });
      await mergeDay(context, dayNumber(now - CLOSE_AFTER_MS) - 1, { seal: true, now });
    });
    mergePuts += store.counts.puts - before;
    // The compactor's daily run: it re-encodes each closed day and sweeps those compacted over its grace ago.
    if (now % DAY_MS === COMPACT_AT_MS) {
      await counted(compactor, async () => {
        for (const report of await runCompaction(context, { now, graceMs: COMPACT_GRACE_MS })) {
          if (report.compaction === 'failed') throw new Error(`compaction of ${report.day} failed: ${String(report.error)}`);
        }
      });
    }
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
    const cache = manifests.get(batch.writer) ?? new ManifestCache();
    manifests.set(batch.writer, cache);
    arrival = batch.arrival;
    const result = await writeBatch({ ...context, manifests: cache }, records);
    if (result.retryFrom !== undefined) throw new Error(`writer ${batch.writer} failed at ${result.retryFrom}`);
    chunks += result.chunks;
  }
  if (merge) await runMerger(tick);
  const days = dayNumber(workload.ts[workload.ts.length - 1] as number) - dayNumber(workload.ts[0] as number) + 1;
  return { chunks, mergePuts, merger, compactor, days, end: tick } satisfies Stored;
}

function storedBytes(store: MemoryS3, prefix: string, include: (key: string) => boolean): number {
  let bytes = 0;
  for (const [key, object] of store.objects) if (key.startsWith(prefix) && include(key)) bytes += object.body.length;
  return bytes;
}

/** The shape stored, or read from SCALE_SNAPSHOT's folder when a former run saved it there (it is saved there otherwise). */
async function storedShape(
  workload: Workload,
  shape: Shape,
  loading: MemoryS3,
  layout: KeyLayout,
  zstd: BlockCompressor,
  merge: boolean,
): Promise<Stored> {
  const folder = process.env.SCALE_SNAPSHOT;
  const file = folder && join(folder, `${shape.writers}x${shape.batch}${merge ? '' : '-nomerge'}-${workload.ts.length}.v8`);
  if (file && existsSync(file)) {
    const saved = deserialize(readFileSync(file)) as {
      objects: [string, MemoryS3['objects'] extends Map<string, infer V> ? V : never][];
      stored: Stored;
    };
    for (const [key, object] of saved.objects) loading.objects.set(key, object);
    return saved.stored;
  }
  const stored = await store(workload, shape, loading.client(), loading, layout, zstd, merge);
  if (file) writeFileSync(file, serialize({ objects: [...loading.objects], stored }));
  const { merger, compactor, days } = stored;
  console.error(
    `scale ${shape.writers}x${shape.batch} stored: ${stored.chunks} chunks over ${days} days; merger per day ${(merger.gets / days).toFixed(1)} GETs, ${(merger.puts / days).toFixed(1)} PUTs, ${(merger.lists / days).toFixed(1)} LISTs, ${(merger.ms / days).toFixed(0)} ms; compactor in all ${compactor.gets} GETs, ${compactor.puts} PUTs, ${compactor.lists} LISTs, ${compactor.ms.toFixed(0)} ms`,
  );
  return stored;
}

export async function benchScale(): Promise<BenchTable[]> {
  const workload = generate();
  const n = workload.ts.length;
  const zstd = await loadZstd();
  const merge = process.env.SCALE_MERGE !== '0';
  const tracing = process.env.SCALE_TRACE === '1';
  const firstByteMs = Number(process.env.FIRST_BYTE_MS ?? 20);
  const mbPerS = Number(process.env.MB_PER_S ?? 90);
  const shapes = (process.env.SCALE_SHAPES ?? DEFAULT_SHAPES).split(',').map((text) => {
    const [writers, batch] = text.split('x').map(Number);
    return { writers: writers as number, batch: batch as number };
  });
  const { hot, mid, rare } = referenceActors(workload);
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
    const stored = await storedShape(workload, shape, loading, layout, zstd, merge);
    const loadSeconds = (performance.now() - started) / 1000;
    // B/event open: the days not compacted when the queries run, as their writer chunks and merged segments.
    const dayOf = (key: string) => key.slice(layout.prefix.length).split('/')[1];
    const compacted = new Set([...loading.objects.keys()].filter((key) => key.includes('/compact/')).map(dayOf));
    const openDay = (key: string) => !compacted.has(dayOf(key));
    const openBytes = storedBytes(
      loading,
      layout.prefix,
      (key) => openDay(key) && (key.includes('/tier/') || (key.includes('/w/') && key.endsWith('.tale'))),
    );
    const openEvents = workload.ts.filter((time) => !compacted.has(dayName(dayNumber(time)))).length;

    // The queries run at the end of the workload, when the store holds what the schedules left, in a
    // worker whose heap holds only the store and the query (bench/scale-queries.ts says why).
    const results = await runScaleQueries({
      objects: [...loading.objects],
      bucket: loading.bucket,
      prefix: layout.prefix,
      now: stored.end,
      firstByteMs,
      mbPerS,
      tracing,
      ...(process.env.SCALE_PROFILE ? { profileDir: process.env.SCALE_PROFILE } : {}),
      // The process's first query loads and compiles the engine's code (~1 s on a loaded machine): it runs
      // once, for another actor on a context of its own, so that cold measures a new context, not a new process.
      warmUp: { actors: [mid], from: first, to: last, limit: 50 },
      queries,
    });
    const row: (string | number)[] = [`${shape.writers} × ${shape.batch}`, stored.chunks];
    for (const { cold, warm } of results) row.push(cold.gets, cold.ms, warm.ms);
    const depthsOf = results.map(({ name, cold }) => `${name} ${cold.depth}`);
    row.push(stored.mergePuts / stored.days, openBytes / openEvents);

    // The days still open close too: compaction rewrites them (forced: the simulated clock is not 26 h on).
    const context = { s3: loading.client(), bucket: loading.bucket, layout, zstd };
    for (let day = dayNumber(first); day <= dayNumber(last); day++) await compactDay(context, day, { now: stored.end, force: true });
    row.push(storedBytes(loading, layout.prefix, (key) => key.includes('/compact/')) / n, (performance.now() - started) / 1000);
    rows.push(row);
    console.error(
      `scale ${shape.writers}x${shape.batch} (stored in ${loadSeconds.toFixed(0)} s, load average ${loadavg()[0]?.toFixed(1)}; cold round trips deep: ${depthsOf.join(', ')}; compacted days ${[...compacted].join(' ')}): ${row.map((cell) => (typeof cell === 'number' ? cell.toFixed(1) : cell)).join(' | ')}`,
    );
  }
  return [
    {
      title: `Scale: ${n.toLocaleString('en-US')} events on a modeled S3 (${firstByteMs} ms + ${mbPerS} MB/s a request)${merge ? ', merger every 5 min, compactor daily at 02:30' : ', no merger'}`,
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
        'Queries run in a worker thread whose heap holds the modeled store and the query only, after a full GC (bench/scale-queries.ts). Cold: a new query context (a new Lambda) in a worker that has run one query for another actor (so code loading is not counted); warm: the second run on one context. GETs counted by the store (lists apart). Queries run at the end of the workload (the clock of the schedules).',
        'B/event open: the days not compacted when the queries run, as writer chunks plus merged index segments; closed: every day compacted (index + data + metadata).',
      ],
    },
  ];
}
