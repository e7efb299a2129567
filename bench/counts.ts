/**
 * `/events/counts` on the shared workload (env N, default 1,000,000 events, 4 writers, s3rver in
 * process): per query, the S3 requests and bytes of one count query, how many matching blocks were
 * counted from the index alone and how many were read and decoded (those straddling a bucket edge, or
 * all with contains=), and latencies; beside the requests of listing the same events through
 * `/events` in pages of 1,000, which is what a histogram would cost without counts.
 */
import { loadZstd } from '../shared/codec/zstd';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../shared/query/context';
import { runCounts } from '../shared/query/counts';
import type { CountsRequest } from '../shared/query/counts-request';
import { encodeCursor } from '../shared/query/cursor';
import { parseQueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { startLocalS3 } from '../test/support/local-s3';
import { referenceActors } from './query';
import { loadWorkload } from './query-load';
import { type BenchTable, percentiles } from './table';
import { generate, T0 } from './workload';

/** Requests and rows of listing every matching event through pages of 1,000 (the histogram's cost without counts). */
async function listAll(ctx: QueryContext, request: CountsRequest): Promise<{ rows: number; requests: number }> {
  const params = {
    actors: request.actors.join(','),
    from: String(request.from),
    to: String(request.to),
    limit: '1000',
    ...(request.contains ? { contains: request.contains } : {}),
  };
  let rows = 0;
  let requests = 0;
  let cursor: string | undefined;
  do {
    const page = parseQueryRequest(cursor ? { ...params, cursor } : params, { now: request.to, maxSpanDays: 366 });
    const result = await runQuery(ctx, page);
    rows += result.events.length;
    requests += result.stats.requests;
    cursor = result.resumeAfter ? encodeCursor(page, result.resumeAfter) : undefined;
  } while (cursor);
  return { rows, requests };
}

export async function benchCounts(): Promise<BenchTable[]> {
  const workload = generate();
  const n = workload.ts.length;
  const [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
  try {
    const layout = new KeyLayout('bench-counts/');
    const loaded = await loadWorkload(workload, { s3: local.s3, bucket: local.bucket, layout, zstd, writers: 4, batch: 10_000 });
    const { hot, mid, rare } = referenceActors(workload);
    const from = T0;
    const to = workload.ts[n - 1] as number;
    const c = (name: string, actors: number[], buckets: number, contains?: string) => ({
      name,
      request: { actors, from, to, buckets, ...(contains ? { contains } : {}) },
    });
    const cases = [
      c('hot, 60 buckets', [hot], 60),
      c('hot, 1000 buckets', [hot], 1000),
      c('mid, 60 buckets', [mid], 60),
      c('mid, 1000 buckets', [mid], 1000),
      c('rare, 60 buckets', [rare], 60),
      c('hot, 60 buckets, contains=a', [hot], 60, 'a'),
    ];
    const ctx = () => createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd });
    const warmCtx = ctx();
    const rows: (string | number)[][] = [];
    for (const { name, request } of cases) {
      const cold = await runCounts(ctx(), request);
      await runCounts(warmCtx, request);
      const samples: number[] = [];
      let warm = cold;
      for (let r = 0; r < 10; r++) {
        const start = performance.now();
        warm = await runCounts(warmCtx, request);
        samples.push(performance.now() - start);
      }
      const total = warm.counts.reduce((sum, count) => sum + count, 0);
      const listed = await listAll(ctx(), request);
      if (listed.rows !== total) throw new Error(`counts and /events disagree on ${name}: ${total} vs ${listed.rows}`);
      const { p50, p95 } = percentiles(samples);
      rows.push([
        name,
        total,
        p50,
        p95,
        cold.stats.requests,
        cold.stats.bytes / 1024,
        warm.stats.requests,
        cold.blocksFromIndex,
        cold.blocksDecoded,
        listed.requests,
      ]);
    }
    return [
      {
        title: `Counts: ${n.toLocaleString('en-US')} events, 4 writers, ${loaded.chunks} chunks (s3rver, in process)`,
        columns: [
          'query',
          'events counted',
          'p50 ms',
          'p95 ms',
          'cold S3 requests',
          'cold KiB read',
          'warm S3 requests',
          'blocks from index',
          'blocks decoded',
          'requests to list them (/events, pages of 1,000, cold)',
        ],
        rows,
        notes: [
          `Actors: hot ${hot}, mid ${mid}, rare ${rare}; the range is the whole workload (${((to - from) / 86_400_000).toFixed(1)} days).`,
          'Cold: a fresh context (new Lambda instance). Warm: heads and bitmaps cached, 10 runs; a warm count still lists each day and',
          'reads its manifests (they change), and reads the straddling blocks again (blocks are not cached).',
          'Blocks from index: counted from the AND ordinals alone (inside one bucket); decoded: read and decompressed (straddling an',
          'edge or a bound, or every matching block with contains=).',
        ],
      },
    ];
  } finally {
    await local.stop();
  }
}
