/**
 * Query figures on the shared workload: 1,000,000 events (env N) stored by the writer as 4 writers
 * with 10,000-record batches, in memory (MemoryS3 answering the real SDK, no latency: the store the
 * tales reference ran against) and in an in-process s3rver (`--store memory|s3rver`; both by
 * default, one table each), then the reference queries of the shared bench
 * README. Per query: rows, latency on a warm Lambda (heads cached; p50/p95), the first run on a cold
 * one, S3 requests and KiB read, and the naive baseline (download and scan every chunk), beside the
 * reference figures for kelindar/tales (Go) and DuckDB.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Source } from '../shared/aws/s3-source';
import { type BlockCompressor, loadZstd } from '../shared/codec/zstd';
import { DAY_MS, dayNumber } from '../shared/layout/day';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../shared/query/context';
import { encodeCursor } from '../shared/query/cursor';
import { parseQueryRequest, type QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { startLocalS3 } from '../test/support/local-s3';
import { MemoryS3 } from '../test/support/memory-s3';
import { loadWorkload } from './query-load';
import { naiveQuery } from './query-naive';
import { type BenchTable, percentiles } from './table';
import { generate, T0, type Workload } from './workload';

const WRITERS = 4;
const BATCH = 10_000;
const ALL = 10_000_000;

interface BenchCase {
  readonly name: string;
  readonly request: QueryRequest;
  /** Follow cursors with pages of 1,000, as an API client does, instead of one unbounded call. */
  readonly paged?: boolean;
  /** Reference medians (ms) from the shared bench README. */
  readonly tales: string;
  readonly duckdb: string;
}

/** hot, hot2, mid, rare as the shared README defines them (mid and rare by their event counts, scaled to N). */
export function referenceActors(workload: Workload) {
  const counts = new Map<number, number>();
  for (const actor of workload.actorVals.subarray(0, workload.actorOff[workload.ts.length]))
    counts.set(actor, (counts.get(actor) ?? 0) + 1);
  const scale = workload.ts.length / 1_000_000;
  const closest = (target: number) => {
    let best = workload.idOfRank[0] as number;
    for (const id of workload.idOfRank) {
      if (Math.abs((counts.get(id) ?? 0) - target) < Math.abs((counts.get(best) ?? 0) - target)) best = id;
    }
    return best;
  };
  const hot = workload.idOfRank[0] as number;
  const hot2 = workload.idOfRank[1] as number;
  const mid = closest(2067 * scale);
  const rare = closest(Math.max(1, Math.round(42 * scale)));
  return { hot, hot2, mid, rare, count: (id: number) => counts.get(id) ?? 0 };
}

async function pagedQuery(ctx: QueryContext, request: QueryRequest) {
  let rows = 0;
  let requests = 0;
  let bytes = 0;
  let cursor: string | undefined;
  const params = { actors: request.actors.join(','), from: String(request.from), to: String(request.to), limit: '1000' };
  do {
    const page = parseQueryRequest(cursor ? { ...params, cursor } : params, { now: request.to, maxSpanDays: 366 });
    const result = await runQuery(ctx, page);
    rows += result.events.length;
    requests += result.stats.requests;
    bytes += result.stats.bytes;
    cursor = result.resumeAfter ? encodeCursor(page, result.resumeAfter) : undefined;
  } while (cursor);
  return { rows, requests, bytes };
}

async function measureOnce(ctx: QueryContext, bench: BenchCase) {
  const start = performance.now();
  if (bench.paged) return { ...(await pagedQuery(ctx, bench.request)), ms: performance.now() - start };
  // One unbounded call: no page byte budget (the HTTP edge's pages are the paged rows).
  const { events, stats } = await runQuery(ctx, bench.request, undefined, { maxBytes: Number.POSITIVE_INFINITY });
  return { rows: events.length, requests: stats.requests, bytes: stats.bytes, ms: performance.now() - start };
}

/** Warm runs on a context whose cache the first run filled: 30, or 5 when a run takes over 200 ms. */
async function measure(ctx: QueryContext, bench: BenchCase) {
  let warm = await measureOnce(ctx, bench);
  const samples: number[] = [];
  for (let r = 0; r < (warm.ms > 200 ? 5 : 30); r++) {
    warm = await measureOnce(ctx, bench);
    samples.push(warm.ms);
  }
  return { warm, ...percentiles(samples) };
}

/** The floor under every figure here: one ranged GET of `length` bytes from this s3rver, sequential, p50 ms. */
async function rangedGetMs(s3: S3Client, bucket: string, key: string, length: number): Promise<number> {
  const source = s3Source(s3, bucket, key);
  const samples: number[] = [];
  for (let i = 0; i < 31; i++) {
    const start = performance.now();
    await source.read(0, length);
    if (i > 0) samples.push(performance.now() - start);
  }
  return percentiles(samples).p50;
}

interface BenchStore {
  readonly name: string;
  readonly s3: S3Client;
  readonly bucket: string;
  /** What one ranged GET costs here. */
  readonly floor: string;
  stop(): Promise<void>;
}

const STORES = ['memory', 's3rver'] as const;

async function openStore(kind: (typeof STORES)[number]): Promise<BenchStore> {
  if (kind === 'memory') {
    const memory = new MemoryS3('bench-query');
    return { name: 'MemoryS3, in process', s3: memory.client(), bucket: memory.bucket, floor: 'in memory', stop: async () => undefined };
  }
  const local = await startLocalS3();
  return { name: 's3rver, in process', s3: local.s3, bucket: local.bucket, floor: 's3rver', stop: () => local.stop() };
}

/** `--store memory|s3rver`, repeatable; both when absent. */
function storesOf(options: readonly string[]): (typeof STORES)[number][] {
  const chosen: (typeof STORES)[number][] = [];
  options.forEach((option, i) => {
    if (option !== '--store') return;
    const value = options[i + 1];
    if (!STORES.includes(value as (typeof STORES)[number])) throw new Error(`--store must be one of ${STORES.join(', ')} (given ${value})`);
    chosen.push(value as (typeof STORES)[number]);
  });
  return chosen.length ? chosen : [...STORES];
}

export async function benchQuery(options: readonly string[] = []): Promise<BenchTable[]> {
  const workload = generate();
  const zstd = await loadZstd();
  const tables: BenchTable[] = [];
  for (const kind of storesOf(options)) tables.push(await benchStore(await openStore(kind), workload, zstd));
  return tables;
}

async function benchStore(local: BenchStore, workload: Workload, zstd: BlockCompressor): Promise<BenchTable> {
  const n = workload.ts.length;
  try {
    const layout = new KeyLayout('bench-query/');
    const loaded = await loadWorkload(workload, { s3: local.s3, bucket: local.bucket, layout, zstd, writers: WRITERS, batch: BATCH });
    const { hot, hot2, mid, rare, count } = referenceActors(workload);
    const first = T0;
    const last = workload.ts[n - 1] as number;
    const dayFrom = dayNumber(first + (last - first) / 2) * DAY_MS;
    const dayTo = dayFrom + DAY_MS - 1;
    const q = (actors: number[], from: number, to: number, limit: number): QueryRequest => ({ actors, from, to, limit });
    const cases: BenchCase[] = [
      { name: 'hot, newest 50', request: q([hot], last, first, 50), tales: '25', duckdb: '120' },
      { name: 'hot, oldest 50', request: q([hot], first, last, 50), tales: '45', duckdb: '28' },
      { name: 'mid, oldest 50', request: q([mid], first, last, 50), tales: '32', duckdb: '19' },
      { name: 'rare, oldest 50', request: q([rare], first, last, 50), tales: '200–234', duckdb: '84' },
      { name: 'hot ∧ hot2, all rows', request: q([hot, hot2], first, last, ALL), tales: '238–253', duckdb: '149' },
      {
        name: 'hot ∧ hot2, all rows, pages of 1,000',
        request: q([hot, hot2], first, last, ALL),
        paged: true,
        tales: '238–253',
        duckdb: '149',
      },
      { name: 'hot ∧ mid, all rows', request: q([hot, mid], first, last, ALL), tales: '251–286', duckdb: '110' },
      { name: 'mid ∧ rare', request: q([mid, rare], first, last, ALL), tales: '1–2', duckdb: '57' },
      { name: 'all hot rows', request: q([hot], first, last, ALL), tales: '243–274', duckdb: '772' },
      { name: 'all hot rows, pages of 1,000', request: q([hot], first, last, ALL), paged: true, tales: '243–274', duckdb: '772' },
      { name: '1 day: hot, newest 50', request: q([hot], dayTo, dayFrom, 50), tales: '—', duckdb: '—' },
      { name: '1 day: mid, all rows', request: q([mid], dayFrom, dayTo, ALL), tales: '—', duckdb: '—' },
      { name: '1 day: rare, all rows', request: q([rare], dayFrom, dayTo, ALL), tales: '—', duckdb: '—' },
      { name: '1 day: hot ∧ hot2, all rows', request: q([hot, hot2], dayFrom, dayTo, ALL), tales: '—', duckdb: '—' },
    ];

    const rows: (string | number)[][] = [];
    const ctx = () => createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd });
    const warmCtx = ctx();
    const naiveCtx = ctx();
    const naiveByQuery = new Map<string, { ms: number; requests: number; bytes: number }>();
    for (const bench of cases) {
      // Cold: a fresh context (a new Lambda instance) for the first run of every query.
      const { warm, p50, p95 } = await measure(warmCtx, bench);
      const cold = await measureOnce(ctx(), bench);
      const { actors, from, to, limit } = bench.request;
      const naiveKey = `${Math.min(from, to)}-${Math.max(from, to)}-${actors.join(',')}-${limit}`;
      let naive = naiveByQuery.get(naiveKey);
      if (!naive) {
        const start = performance.now();
        const result = await naiveQuery(naiveCtx, bench.request);
        naive = { ms: performance.now() - start, requests: result.stats.requests, bytes: result.stats.bytes };
        if (result.events.length !== Math.min(warm.rows, limit)) throw new Error(`naive and indexed disagree on ${bench.name}`);
        naiveByQuery.set(naiveKey, naive);
      }
      rows.push([
        bench.name,
        warm.rows,
        p50,
        p95,
        cold.ms,
        warm.requests,
        warm.bytes / 1024,
        naive.ms,
        naive.requests,
        naive.bytes / 1024,
        bench.tales,
        bench.duckdb,
      ]);
    }
    const someChunk = layout.chunkKey(dayNumber(first), 'shardId-000000000000', 0);
    const floor = [await rangedGetMs(local.s3, local.bucket, someChunk, 100), await rangedGetMs(local.s3, local.bucket, someChunk, 65_536)];
    return {
      title: `Query: ${n.toLocaleString('en-US')} events, ${WRITERS} writers, ${loaded.chunks} chunks (${local.name})`,
      columns: [
        'query',
        'rows',
        'p50 ms',
        'p95 ms',
        'cold ms',
        'S3 requests',
        'KiB read',
        'naive ms',
        'naive requests',
        'naive KiB',
        'tales (Go) ms',
        'DuckDB ms',
      ],
      rows,
      notes: [
        `Actors: hot ${hot} (${count(hot)} events), hot2 ${hot2} (${count(hot2)}), mid ${mid} (${count(mid)}), rare ${rare} (${count(rare)}).`,
        `Loaded by the writer in ${(loaded.ms / 1000).toFixed(1)} s: ${(loaded.bytes / n).toFixed(1)} bytes/event stored.`,
        'p50/p95: warm Lambda (chunk heads cached), 30 runs (5 when a run takes over 200 ms); cold: first run with an empty cache.',
        'S3 requests and KiB: one warm run (lists + manifest GETs + head/bitmap/block ranged GETs). "All rows" queries run as one',
        'unbounded call; "pages of 1,000" follow cursors as the HTTP API does (limit ≤ 1000). Naive: download every chunk of the',
        'range whole and scan it. 1-day rows use the middle day of the data. Reference columns: medians from ../shared/bench/README.md.',
        `One ranged GET from this store (${local.floor}, sequential, p50): ${floor[0]?.toFixed(2)} ms for 100 B, ${floor[1]?.toFixed(2)} ms for 64 KiB;`,
        'the reference tales figures were taken against an in-memory S3, DuckDB read local files.',
      ],
    };
  } finally {
    await local.stop();
  }
}
