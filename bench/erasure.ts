/**
 * What erasures cost the queries that touch no erased actor: the shared workload (N events, default
 * 200,000) stored in a modeled S3 (MemoryS3: 20 ms first byte, 80 MB/s per request, as S3 from a Lambda
 * in-region), 10,000 erasures on record (actor ids outside the workload), and each query run warm three
 * ways: without the erasure check, with it while the erased set is unchanged (one HEAD, in parallel),
 * and on the first query after the set changed (HEAD, then GET of the set). Also the erase call itself.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { loadZstd } from '../shared/codec/zstd';
import { eraseActor } from '../shared/erasure/erase-actor';
import { ErasedActors } from '../shared/erasure/erased-actors';
import { encodeErasedSet } from '../shared/erasure/erased-set';
import { ErasureKeys } from '../shared/erasure/keys';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext } from '../shared/query/context';
import type { QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { MemoryS3 } from '../test/support/memory-s3';
import { referenceActors } from './query';
import { loadWorkload } from './query-load';
import { type BenchTable, percentiles } from './table';
import { generate, T0 } from './workload';

const ERASURES = 10_000;
/** Erased actor ids: above every id of the workload, so no query below touches one. */
const FIRST_ERASED = 1_000_000;
const RUNS = 15;

export async function benchErasure(): Promise<BenchTable[]> {
  const workload = generate(Number(process.env.N ?? 200_000));
  let modeled = false;
  const memory = new MemoryS3('bench', {
    firstByteMs: 20,
    bytesPerSecond: 80e6,
    sleep: (ms) => (modeled ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()),
  });
  const s3 = memory.client();
  const zstd = await loadZstd();
  const layout = new KeyLayout('bench-erasure/');
  await loadWorkload(workload, { s3, bucket: memory.bucket, layout, zstd, writers: 4, batch: 10_000 });
  const keys = new ErasureKeys(layout);
  const store = { s3, bucket: memory.bucket, keys };
  const erased = Array.from({ length: ERASURES - 1 }, (_, i) => FIRST_ERASED + i);
  await s3.send(new PutObjectCommand({ Bucket: memory.bucket, Key: keys.setKey, Body: encodeErasedSet(erased) }));
  modeled = true;
  memory.resetCounts();
  const eraseStart = performance.now();
  await eraseActor(store, { actor: FIRST_ERASED + ERASURES - 1, principal: 'bench', now: Date.now() });
  const eraseMs = performance.now() - eraseStart;
  const eraseCounts = memory.resetCounts();
  const setBytes = memory.get(keys.setKey)?.length ?? 0;

  const { hot, mid, rare } = referenceActors(workload);
  const last = workload.ts[workload.ts.length - 1] as number;
  const q = (actors: number[], from: number, to: number, limit: number): QueryRequest => ({ actors, from, to, limit });
  const cases = [
    { name: 'hot, newest 50', request: q([hot], last, T0, 50) },
    { name: 'mid, oldest 50', request: q([mid], T0, last, 50) },
    { name: 'rare, oldest 50', request: q([rare], T0, last, 50) },
    { name: 'hot ∧ mid, all rows', request: q([hot, mid], T0, last, 10_000_000) },
  ];
  const ctx = createQueryContext({ s3, bucket: memory.bucket, layout, zstd });
  const erasedActors = new ErasedActors(s3, memory.bucket, keys);
  const timed = async (run: () => Promise<unknown>) => {
    memory.resetCounts();
    const start = performance.now();
    await run();
    const ms = performance.now() - start;
    const counts = memory.resetCounts();
    return { ms, requests: counts.gets + counts.heads + counts.lists };
  };
  const rows: (string | number)[][] = [];
  for (const { name, request } of cases) {
    await runQuery(ctx, request);
    await runQuery(ctx, request, undefined, { hidden: erasedActors.hidden() });
    const plain: number[] = [];
    const checked: number[] = [];
    const changed: number[] = [];
    let requests = { plain: 0, checked: 0, changed: 0 };
    for (let r = 0; r < RUNS; r++) {
      const a = await timed(() => runQuery(ctx, request));
      const b = await timed(() => runQuery(ctx, request, undefined, { hidden: erasedActors.hidden() }));
      // A new erasure elsewhere: this Lambda's cached set is stale, so this query reads the set again.
      const fresh = new ErasedActors(s3, memory.bucket, keys);
      const c = await timed(() => runQuery(ctx, request, undefined, { hidden: fresh.hidden() }));
      plain.push(a.ms);
      checked.push(b.ms);
      changed.push(c.ms);
      requests = { plain: a.requests, checked: b.requests, changed: c.requests };
    }
    const p = (samples: number[]) => percentiles(samples).p50;
    rows.push([
      name,
      p(plain),
      p(checked),
      p(checked) - p(plain),
      p(changed),
      requests.plain,
      requests.checked - requests.plain,
      requests.changed - requests.plain,
    ]);
  }
  return [
    {
      title: `Query overhead of ${ERASURES.toLocaleString('en-US')} erasures on record (${workload.ts.length.toLocaleString('en-US')} events, modeled S3: 20 ms first byte, 80 MB/s)`,
      columns: [
        'query',
        'no check p50 ms',
        'checked p50 ms',
        'overhead ms',
        'set just changed p50 ms',
        'requests',
        'requests added',
        'added when set changed',
      ],
      rows,
      notes: [
        `Erased set: one object of ${setBytes.toLocaleString('en-US')} bytes for ${ERASURES.toLocaleString('en-US')} actors, revalidated by a HEAD that runs beside the query's first reads.`,
        `One erase call with ${ERASURES.toLocaleString('en-US')} on record: ${eraseMs.toFixed(0)} ms, ${eraseCounts.gets} GETs, ${eraseCounts.puts} PUTs.`,
      ],
    },
  ];
}
