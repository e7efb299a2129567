/**
 * Compaction figures: one day of the shared workload stored as several hundred small chunks (2
 * writers, 600-record batches: a busy shard's batching window), compacted into one index and data
 * object. Reports compaction time and bytes moved, and single-actor queries before and after.
 */
import { loadZstd } from '../shared/codec/zstd';
import { compactDay } from '../shared/compact/compact-day';
import { DAY_MS, dayNumber } from '../shared/layout/day';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext } from '../shared/query/context';
import type { QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { startLocalS3 } from '../test/support/local-s3';
import { referenceActors } from './query';
import { loadWorkload } from './query-load';
import { type BenchTable, percentiles } from './table';
import { generate, T0 } from './workload';

const ONE_DAY_EVENTS = 172_800;
const WRITERS = 2;
const BATCH = 600;

export async function benchCompaction(): Promise<BenchTable[]> {
  const workload = generate(ONE_DAY_EVENTS);
  const [local, zstd] = await Promise.all([startLocalS3(), loadZstd()]);
  try {
    const layout = new KeyLayout('bench-compaction/');
    const loaded = await loadWorkload(workload, { s3: local.s3, bucket: local.bucket, layout, zstd, writers: WRITERS, batch: BATCH });
    const day = dayNumber(T0);
    const { hot, mid, rare, count } = referenceActors(workload);
    const cases: [string, QueryRequest][] = [
      ['hot, newest 50', { actors: [hot], from: T0 + DAY_MS - 1, to: T0, limit: 50 }],
      ['mid, all rows', { actors: [mid], from: T0, to: T0 + DAY_MS - 1, limit: 1000 }],
      ['rare, all rows', { actors: [rare], from: T0, to: T0 + DAY_MS - 1, limit: 1000 }],
    ];
    const measureAll = async () => {
      const out = new Map<string, { rows: number; requests: number; kib: number; cold: number; p50: number }>();
      for (const [name, request] of cases) {
        let start = performance.now();
        const cold = await runQuery(createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd }), request);
        const coldMs = performance.now() - start;
        const warmCtx = createQueryContext({ s3: local.s3, bucket: local.bucket, layout, zstd });
        await runQuery(warmCtx, request);
        const samples: number[] = [];
        for (let r = 0; r < 10; r++) {
          start = performance.now();
          await runQuery(warmCtx, request);
          samples.push(performance.now() - start);
        }
        out.set(name, {
          rows: cold.events.length,
          requests: cold.stats.requests,
          kib: cold.stats.bytes / 1024,
          cold: coldMs,
          p50: percentiles(samples).p50,
        });
      }
      return out;
    };
    const before = await measureAll();
    const start = performance.now();
    const outcome = await compactDay({ s3: local.s3, bucket: local.bucket, layout, zstd }, day, {
      now: T0 + 10 * DAY_MS,
      serverSideCopy: false,
    });
    const compactMs = performance.now() - start;
    if (outcome.status !== 'compacted') throw new Error(`compaction did not run: ${outcome.status}`);
    const after = await measureAll();
    const { meta, moved, indexBytes } = outcome;
    const rows = cases.flatMap(([name]) => {
      const b = before.get(name);
      const a = after.get(name);
      if (!a || !b || a.rows !== b.rows) throw new Error(`${name}: rows differ after compaction`);
      return [
        [name, 'writer chunks', b.rows, b.requests, b.kib, b.cold, b.p50],
        [name, 'compacted', a.rows, a.requests, a.kib, a.cold, a.p50],
      ];
    });
    return [
      {
        title: `Compaction: one day, ${loaded.chunks} chunks from ${WRITERS} writers, ${ONE_DAY_EVENTS.toLocaleString('en-US')} events (s3rver, in process)`,
        columns: ['measure', 'value'],
        rows: [
          ['compaction time (ms)', compactMs],
          ['source chunks', meta.sources.length],
          ['data object (MiB)', meta.dataSize / 1048576],
          ['index object (KiB)', indexBytes / 1024],
          ['head read by queries (KiB)', meta.headSize / 1024],
          ['multipart parts', moved.parts],
          ['bytes downloaded and re-uploaded (MiB)', moved.downloadedBytes / 1048576],
          ['writer chunks stored before (MiB)', loaded.bytes / 1048576],
          ['stored after, index + data (B/event)', (indexBytes + meta.dataSize) / ONE_DAY_EVENTS],
        ],
        notes: [
          "Each source's blocks region is far below S3's 5 MiB part minimum, so all are downloaded and joined into parts; regions of",
          '5 MiB and more are copied inside S3 with UploadPartCopy (s3rver lacks it, so a local run always downloads).',
        ],
      },
      {
        title: 'Single-actor queries on that day, before and after compaction',
        columns: ['query', 'form', 'rows', 'S3 requests (cold)', 'KiB read (cold)', 'cold ms', 'warm p50 ms'],
        rows,
        notes: [
          `Actors: hot ${hot} (${count(hot)} events), mid ${mid} (${count(mid)}), rare ${rare} (${count(rare)}). Cold: a new query context (Lambda instance).`,
        ],
      },
    ];
  } finally {
    await local.stop();
  }
}
