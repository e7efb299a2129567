/**
 * What erasures cost queries and counts: the shared workload (N events, default 200,000) stored in a
 * modeled S3 (MemoryS3: 20 ms first byte, 80 MB/s per request, as S3 from a Lambda in-region), with
 * 10,000 erasures on record. First none of the erased actors is in the workload (queries touch no
 * erased actor); then one of them is the workload's mid actor (queries of the hot actor touch it, a
 * query of the mid actor asks for it). Each query runs warm: without the erasure check, within the
 * Lambda's last check of the set, revalidating it (one HEAD, beside the query's first reads), and on
 * the first query after the set changed (HEAD, then GET of the set). Also the erase call itself.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { loadZstd } from '../shared/codec/zstd';
import { eraseActor } from '../shared/erasure/erase-actor';
import { ERASED_SET_MAX_AGE_MS, ErasedActors } from '../shared/erasure/erased-actors';
import { encodeErasedSet } from '../shared/erasure/erased-set';
import { ErasureKeys } from '../shared/erasure/keys';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext } from '../shared/query/context';
import { runCounts } from '../shared/query/counts';
import type { QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { MemoryS3 } from '../test/support/memory-s3';
import { referenceActors } from './query';
import { loadWorkload } from './query-load';
import { type BenchTable, percentiles } from './table';
import { generate, T0 } from './workload';

const ERASURES = 10_000;
/** Erased actor ids: above every id of the workload, so that they touch no query. */
const FIRST_ERASED = 1_000_000;
const RUNS = 15;
const COUNT_RUNS = 5;

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
  const outside = Array.from({ length: ERASURES - 1 }, (_, i) => FIRST_ERASED + i);
  const storeSet = (actors: number[]) =>
    s3.send(new PutObjectCommand({ Bucket: memory.bucket, Key: keys.setKey, Body: encodeErasedSet(actors) }));
  await storeSet(outside);
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
  const ctx = createQueryContext({ s3, bucket: memory.bucket, layout, zstd });
  const timed = async <T>(run: () => Promise<T>) => {
    memory.resetCounts();
    const start = performance.now();
    const result = await run();
    const ms = performance.now() - start;
    const counts = memory.resetCounts();
    return { ms, requests: counts.gets + counts.heads + counts.lists, result };
  };
  const p50 = (samples: number[]) => percentiles(samples).p50;

  /**
   * One row per case, medians of RUNS warm runs: without the check; within ERASED_SET_MAX_AGE_MS of the
   * Lambda's last check (no request); revalidating an unchanged set (a HEAD beside the first reads); and
   * just after the set changed (HEAD, then GET of the set).
   */
  const queryRows = async (touching: string, cases: { name: string; request: QueryRequest }[]) => {
    const rows: (string | number)[][] = [];
    const cached = new ErasedActors(s3, memory.bucket, keys, ERASED_SET_MAX_AGE_MS, () => 0);
    const revalidating = new ErasedActors(s3, memory.bucket, keys, 0);
    for (const { name, request } of cases) {
      await runQuery(ctx, request);
      await runQuery(ctx, request, undefined, { hidden: revalidating.hidden() });
      await cached.current();
      const samples = { plain: [] as number[], cached: [] as number[], checked: [] as number[], changed: [] as number[] };
      let latest = { plain: 0, cached: 0, checked: 0, changed: 0, rowsPlain: 0, rowsChecked: 0 };
      for (let r = 0; r < RUNS; r++) {
        const a = await timed(() => runQuery(ctx, request));
        const b = await timed(() => runQuery(ctx, request, undefined, { hidden: cached.hidden() }));
        const c = await timed(() => runQuery(ctx, request, undefined, { hidden: revalidating.hidden() }));
        // A new erasure elsewhere: this Lambda's cached set is stale, so this query reads the set again.
        const fresh = new ErasedActors(s3, memory.bucket, keys, 0);
        const d = await timed(() => runQuery(ctx, request, undefined, { hidden: fresh.hidden() }));
        samples.plain.push(a.ms);
        samples.cached.push(b.ms);
        samples.checked.push(c.ms);
        samples.changed.push(d.ms);
        latest = {
          plain: a.requests,
          cached: b.requests,
          checked: c.requests,
          changed: d.requests,
          rowsPlain: a.result.events.length,
          rowsChecked: c.result.events.length,
        };
      }
      rows.push([
        touching,
        name,
        `${latest.rowsChecked} of ${latest.rowsPlain}`,
        p50(samples.plain),
        p50(samples.cached),
        p50(samples.checked),
        p50(samples.changed),
        latest.plain,
        `${latest.cached - latest.plain} / ${latest.checked - latest.plain} / ${latest.changed - latest.plain}`,
      ]);
    }
    return rows;
  };

  /** Counts of the hot actor over the workload in 60 buckets: medians of COUNT_RUNS warm runs. */
  const countRow = async (label: string, check: boolean) => {
    const request = { actors: [hot], from: T0, to: last, buckets: 60 };
    const erased = new ErasedActors(s3, memory.bucket, keys, 0);
    const run = async () => runCounts(ctx, request, undefined, check ? await erased.hidden() : undefined);
    await run();
    const samples: number[] = [];
    let measured = await timed(run);
    for (let r = 0; r < COUNT_RUNS; r++) {
      measured = await timed(run);
      samples.push(measured.ms);
    }
    const { counts, blocksFromIndex, blocksDecoded } = measured.result;
    return [label, counts.reduce((sum, n) => sum + n, 0), p50(samples), measured.requests, blocksFromIndex, blocksDecoded];
  };

  const apart = await queryRows('no', [
    { name: 'hot, newest 50', request: q([hot], last, T0, 50) },
    { name: 'mid, oldest 50', request: q([mid], T0, last, 50) },
    { name: 'rare, oldest 50', request: q([rare], T0, last, 50) },
    { name: 'hot ∧ mid, all rows', request: q([hot, mid], T0, last, 10_000_000) },
  ]);
  const countsApart = [await countRow('no check', false), await countRow('10,000 erased, none in the workload', true)];
  // The mid actor is erased too (still 10,000 on record): queries of the hot actor now pass over its shared events.
  await storeSet([...outside.slice(1), mid]);
  const touching = await queryRows('yes', [
    { name: 'hot, newest 50', request: q([hot], last, T0, 50) },
    { name: 'hot, one page (limit 10,000,000: cut at 4 MiB)', request: q([hot], T0, last, 10_000_000) },
    { name: 'mid (erased), oldest 50', request: q([mid], T0, last, 50) },
  ]);
  const countsTouching = await countRow(`10,000 erased, mid (${mid}) among them`, true);
  const events = workload.ts.length.toLocaleString('en-US');
  return [
    {
      title: `Query overhead of ${ERASURES.toLocaleString('en-US')} erasures on record (${events} events, modeled S3: 20 ms first byte, 80 MB/s)`,
      columns: [
        'touches an erased actor',
        'query',
        'rows (checked of unchecked)',
        'no check p50 ms',
        'within 1 s of last check p50 ms',
        'revalidated p50 ms',
        'set just changed p50 ms',
        'requests',
        'requests added (within / revalidated / changed)',
      ],
      rows: [...apart, ...touching],
      notes: [
        `Erased set: one object of ${setBytes.toLocaleString('en-US')} bytes for ${ERASURES.toLocaleString('en-US')} actors; a Lambda answers from its last check for ${ERASED_SET_MAX_AGE_MS} ms, then revalidates with a HEAD sent beside the query's first reads.`,
        `One erase call with ${ERASURES.toLocaleString('en-US')} on record: ${eraseMs.toFixed(0)} ms (${ERASED_SET_MAX_AGE_MS} ms of it waiting out the other Lambdas' cached sets), ${eraseCounts.gets} GETs, ${eraseCounts.puts} PUTs.`,
        `Actors: hot ${hot}, mid ${mid}, rare ${rare}; "touches": the mid actor is erased (before any purge), so its events are read and passed over.`,
      ],
    },
    {
      title: `Counts of the hot actor in 60 buckets over the workload, with ${ERASURES.toLocaleString('en-US')} erasures on record`,
      columns: ['erased set', 'events counted', 'p50 ms', 'requests', 'blocks from index', 'blocks decoded'],
      rows: [...countsApart, countsTouching],
      notes: ['A chunk whose index names an erased actor is counted from its blocks instead of its index.'],
    },
  ];
}
