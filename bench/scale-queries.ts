/**
 * The timed part of the scale bench, run in a worker thread (see runScaleQueries): the reference
 * queries on a modeled S3 holding a stored shape, cold (a new query context) and warm.
 *
 * Why a worker: a query Lambda's heap holds the engine, its SDK client and its cache, nothing else. The
 * bench process also holds the 1,000,000-event workload and the stores it was written through (~1 GB),
 * and every garbage collection the queries trigger marks all of it: a CPU profile of the bench showed
 * ~4 s of GC, charged to whichever query ran into it. A worker thread is an isolate with its own heap,
 * so here the heap holds the modeled store's objects (the S3 the Lambda would read) and the query's own
 * work. Each timed query starts after a full GC (as a new or idle Lambda starts with no garbage of an
 * earlier query); the GC its own allocations need stays in its time.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadZstd } from '../shared/codec/zstd';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../shared/query/context';
import type { QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { MemoryS3, type RequestTrace } from '../test/support/memory-s3';

type StoredObject = MemoryS3['objects'] extends Map<string, infer V> ? V : never;

export interface ScaleQueryInput {
  /** The stored shape's objects (copied into the worker). */
  readonly objects: readonly (readonly [string, StoredObject])[];
  readonly bucket: string;
  readonly prefix: string;
  /** The clock the queries run at: the schedules' last run. */
  readonly now: number;
  readonly firstByteMs: number;
  readonly mbPerS: number;
  /** Print every request of each cold query to stderr. */
  readonly tracing: boolean;
  /** A folder to write a CPU profile of each timed query to (`<name> cold|warm.cpuprofile`), or none. */
  readonly profileDir?: string;
  /** Run once on a context of its own before the timed queries, so that cold measures a new context, not code loading. */
  readonly warmUp: QueryRequest;
  readonly queries: readonly (readonly [string, QueryRequest])[];
}

export interface TimedQuery {
  readonly ms: number;
  readonly gets: number;
  readonly rows: number;
  /** The longest chain of requests, each started after the one before it ended. */
  readonly depth: number;
}

export interface ScaleQueryResult {
  readonly name: string;
  readonly cold: TimedQuery;
  /** The second run on one context (the first run of it filled the context's cache). */
  readonly warm: TimedQuery;
}

/** Runs the queries in a worker thread and returns their timings. */
export function runScaleQueries(input: ScaleQueryInput): Promise<ScaleQueryResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: input });
    worker.once('message', (results: ScaleQueryResult[]) => resolve(results));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`scale query worker exited with code ${code} before answering`)));
  });
}

/** A full garbage collection (V8's `gc`, exposed from inside the worker: Worker takes no V8 flags of its own). */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Each request's depth: 1 + the deepest request that ended before it started (a chain of round trips, not counting CPU). */
function depths(requests: readonly RequestTrace[]): number[] {
  const depth: number[] = [];
  requests.forEach((request, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if ((requests[j] as RequestTrace).ended <= request.started) before = Math.max(before, depth[j] as number);
    depth.push(before + 1);
  });
  return depth;
}

/** The per-request picture of one query: when each request started and ended, its depth, what it read. */
function traceOf(name: string, requests: readonly RequestTrace[], prefix: string): string {
  const sorted = [...requests].sort((a, b) => a.started - b.started);
  const depth = depths(sorted);
  const t0 = sorted[0]?.started ?? 0;
  const lines = sorted.map((r, i) => {
    const at = `${(r.started - t0).toFixed(0).padStart(5)}–${(r.ended - t0).toFixed(0).padStart(5)} ms`;
    return `  ${at} d${depth[i]} ${r.method} ${r.key.replace(prefix, '')} ${r.range ?? ''} ${r.status} ${r.bytes} B`;
  });
  return [`${name}: ${sorted.length} requests, ${Math.max(0, ...depth)} round trips deep`, ...lines].join('\n');
}

async function queryWorker(input: ScaleQueryInput): Promise<ScaleQueryResult[]> {
  const gc = exposedGc();
  const trace: RequestTrace[] = [];
  const modeled = new MemoryS3(input.bucket, {
    firstByteMs: input.firstByteMs,
    bytesPerSecond: input.mbPerS * 1_000_000,
    onRequest: (request) => trace.push(request),
  });
  for (const [key, object] of input.objects) modeled.objects.set(key, object);
  const s3 = modeled.client();
  const zstd = await loadZstd();
  const layout = new KeyLayout(input.prefix);
  const ctx = () => createQueryContext({ s3, bucket: modeled.bucket, layout, zstd, now: () => input.now });
  const profiler = input.profileDir ? new Session() : undefined;
  profiler?.connect();
  await profiler?.post('Profiler.enable');
  await profiler?.post('Profiler.setSamplingInterval', { interval: 100 });
  const timed = async (context: QueryContext, request: QueryRequest, profile?: string) => {
    gc();
    modeled.resetCounts();
    trace.length = 0;
    if (profile) await profiler?.post('Profiler.start');
    const start = performance.now();
    const result = await runQuery(context, request);
    const ms = performance.now() - start;
    if (profile && profiler && input.profileDir) {
      const { profile: taken } = await profiler.post('Profiler.stop');
      writeFileSync(join(input.profileDir, `${profile}.cpuprofile`), JSON.stringify(taken));
    }
    const depth = Math.max(0, ...depths([...trace].sort((a, b) => a.started - b.started)));
    return { ms, gets: modeled.counts.gets, rows: result.events.length, depth };
  };
  await runQuery(ctx(), input.warmUp);
  const warmCtx = ctx();
  const results: ScaleQueryResult[] = [];
  for (const [name, request] of input.queries) {
    const cold = await timed(ctx(), request, `${name} cold`);
    if (input.tracing) console.error(traceOf(`${name} cold (${cold.ms.toFixed(0)} ms, ${cold.rows} rows)`, trace, input.prefix));
    await timed(warmCtx, request);
    const warm = await timed(warmCtx, request, `${name} warm`);
    results.push({ name, cold, warm });
  }
  return results;
}

if (!isMainThread && parentPort) parentPort.postMessage(await queryWorker(workerData as ScaleQueryInput));
