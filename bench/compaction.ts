/**
 * Compaction figures: one day of the shared workload (172,800 events, 4 writers) stored as writer
 * chunks of two shapes — 10,000-event batches and 145-event batches (a 5-minute window) — then
 * re-encoded into one index and data object. Reports bytes per event before and after, the encoding
 * options measured, and single-actor queries before and after (rows must match). In-memory S3.
 */
import { loadZstd } from '../shared/codec/zstd';
import { type CompactOptions, compactDay } from '../shared/compact/compact-day';
import { sweepCompactedChunks } from '../shared/compact/sweep';
import { DAY_MS, dayNumber } from '../shared/layout/day';
import { KeyLayout } from '../shared/layout/keys';
import { createQueryContext } from '../shared/query/context';
import type { QueryRequest } from '../shared/query/request';
import { runQuery } from '../shared/query/run-query';
import { mergeDay, SEGMENT_GRACE_MS } from '../shared/tier/merge-day';
import { writeBatch } from '../shared/writer/write-batch';
import { MemoryS3 } from '../test/support/memory-s3';
import { jsonPayload, syntheticRecords } from '../test/support/stream-records';
import { referenceActors } from './query';
import { loadWorkload, writerOf } from './query-load';
import type { BenchTable } from './table';
import { eventAt, generate, T0, type Workload } from './workload';

const ONE_DAY_EVENTS = 172_800;
const WRITERS = 4;
const SHAPES = [10_000, 145] as const;
const LATER = T0 + 10 * DAY_MS;

/** The encodings compared: block size (frame bytes), zstd level, dictionary bytes. */
const OPTIONS: readonly [string, Pick<CompactOptions, 'blockSize' | 'level' | 'dictionaryBytes'>][] = [
  ['64 KiB blocks, level 5, no dictionary', { blockSize: 65_536, level: 5, dictionaryBytes: 0 }],
  ['64 KiB blocks, level 19, no dictionary', { blockSize: 65_536, level: 19, dictionaryBytes: 0 }],
  ['64 KiB blocks, level 19, 16 KiB dictionary', { blockSize: 65_536, level: 19, dictionaryBytes: 16_384 }],
  ['256 KiB blocks, level 19, no dictionary', { blockSize: 262_144, level: 19, dictionaryBytes: 0 }],
  ['256 KiB blocks, level 19, 16 KiB dictionary (default)', { blockSize: 262_144, level: 19, dictionaryBytes: 16_384 }],
  ['1 MiB blocks, level 19, 16 KiB dictionary', { blockSize: 1_048_576, level: 19, dictionaryBytes: 16_384 }],
];

/** Bytes stored under a prefix whose key passes `which`. */
function storedBytes(memory: MemoryS3, prefix: string, which: (key: string) => boolean): number {
  let bytes = 0;
  for (const [key, object] of memory.objects) if (key.startsWith(prefix) && which(key)) bytes += object.body.length;
  return bytes;
}

export async function benchCompaction(): Promise<BenchTable[]> {
  const workload = generate(ONE_DAY_EVENTS);
  const zstd = await loadZstd();
  const day = dayNumber(T0);
  const memory = new MemoryS3();
  const s3 = memory.client();
  const bucket = memory.bucket;
  const shapeRows: (string | number)[][] = [];
  const queryRows: (string | number)[][] = [];
  const { hot, mid, rare, count } = referenceActors(workload);
  const cases: [string, QueryRequest][] = [
    ['hot, newest 50', { actors: [hot], from: T0 + DAY_MS - 1, to: T0, limit: 50 }],
    ['mid, all rows', { actors: [mid], from: T0, to: T0 + DAY_MS - 1, limit: 1000 }],
    ['rare, all rows', { actors: [rare], from: T0, to: T0 + DAY_MS - 1, limit: 1000 }],
  ];
  for (const batch of SHAPES) {
    const layout = new KeyLayout(`shape-${batch}/`);
    const loaded = await loadWorkload(workload, { s3, bucket, layout, zstd, writers: WRITERS, batch });
    const queries = async () => {
      const out: { rows: number; requests: number; kib: number }[] = [];
      for (const [, request] of cases) {
        const result = await runQuery(createQueryContext({ s3, bucket, layout, zstd }), request);
        out.push({ rows: result.events.length, requests: result.stats.requests, kib: result.stats.bytes / 1024 });
      }
      return out;
    };
    const before = await queries();
    memory.resetCounts();
    const started = performance.now();
    const outcome = await compactDay({ s3, bucket, layout, zstd }, day, { now: LATER });
    const ms = performance.now() - started;
    const requests = memory.resetCounts();
    if (outcome.status !== 'compacted') throw new Error(`compaction did not run: ${outcome.status}`);
    const after = await queries();
    const { stats } = outcome;
    const compacted = storedBytes(memory, layout.prefix, (key) => key.includes('/compact/'));
    shapeRows.push([
      `${batch.toLocaleString('en-US')}-event chunks`,
      loaded.chunks,
      loaded.bytes / ONE_DAY_EVENTS,
      (stats.indexBytes + stats.dataBytes) / ONE_DAY_EVENTS,
      compacted / ONE_DAY_EVENTS,
      stats.blocks,
      requests.gets,
      requests.puts,
      ms / 1000,
    ]);
    cases.forEach(([name], i) => {
      const b = before[i];
      const a = after[i];
      if (!a || !b || a.rows !== b.rows) throw new Error(`${name}: rows differ after compaction`);
      queryRows.push([name, `${batch}-event chunks`, b.rows, b.requests, b.kib, a.requests, a.kib]);
    });
  }

  const optionRows: (string | number)[][] = [];
  const source = new KeyLayout(`shape-${SHAPES[0]}/`);
  for (const [name, options] of OPTIONS) {
    const layout = new KeyLayout(`option-${optionRows.length}/`);
    for (const [key, object] of memory.objects)
      if (key.startsWith(`${source.prefix}v1/`) && key.includes('/w/'))
        memory.put(layout.prefix + key.slice(source.prefix.length), object.body);
    const started = performance.now();
    const outcome = await compactDay({ s3, bucket, layout, zstd }, day, { now: LATER, ...options });
    const ms = performance.now() - started;
    if (outcome.status !== 'compacted') throw new Error(`compaction did not run: ${outcome.status}`);
    const { stats } = outcome;
    optionRows.push([
      name,
      (stats.indexBytes + stats.dataBytes) / ONE_DAY_EVENTS,
      stats.indexBytes / ONE_DAY_EVENTS,
      stats.blocks,
      stats.dataBytes / stats.blocks / 1024,
      ms / 1000,
    ]);
  }
  const merger = await mergerDay(workload, zstd);
  return [
    merger,
    {
      title: `Compaction: one day of ${ONE_DAY_EVENTS.toLocaleString('en-US')} events from ${WRITERS} writers, re-encoded (in-memory S3)`,
      columns: [
        'source chunks',
        'chunks',
        'B/event before',
        'B/event after (index + data)',
        'B/event after (all compact/ objects)',
        'blocks',
        'GETs',
        'PUTs',
        'compaction s',
      ],
      rows: shapeRows,
      notes: [
        'Before: the writer chunks (index + blocks). After: the re-encoded day; "all compact/ objects" adds meta.json and the sources object',
        "(each source chunk's ETag, for the sweep). GETs/PUTs count the compaction's requests (PUTs include multipart parts).",
      ],
    },
    {
      title: 'Compaction encodings (10,000-event chunks as the source)',
      columns: ['encoding', 'B/event (index + data)', 'of which index', 'blocks', 'mean block read (KiB)', 'compaction s'],
      rows: optionRows,
      notes: [
        'Index: header, directory (blocks per actor, ranks), dictionary and actor columns. A block read is one block of the data object.',
      ],
    },
    {
      title: 'Single-actor queries on that day, before and after compaction (cold context)',
      columns: ['query', 'source', 'rows', 'requests before', 'KiB before', 'requests after', 'KiB after'],
      rows: queryRows,
      notes: [`Actors: hot ${hot} (${count(hot)} events), mid ${mid} (${count(mid)}), rare ${rare} (${count(rare)}).`],
    },
  ];
}

const MERGE_EVERY_MS = 300_000;

/**
 * One day in 145-event batches written in arrival order, the merger run every 5 minutes of simulated
 * time (its clock too, so retired segments age as they would): its PUTs, the tier/ objects written
 * and left at the end of the day, then what the compaction sweep leaves.
 */
async function mergerDay(workload: Workload, zstd: Awaited<ReturnType<typeof loadZstd>>): Promise<BenchTable> {
  const memory = new MemoryS3();
  const s3 = memory.client();
  const layout = new KeyLayout('merger/');
  // The writer's clock is the batch's arrival, as a consumer's would be: no chunk is late (format.md, Late chunks).
  let arrival = 0;
  const context = { s3, bucket: memory.bucket, layout, zstd, clock: () => arrival };
  const day = dayNumber(T0);
  const byWriter: number[][] = Array.from({ length: WRITERS }, () => []);
  for (let i = 0; i < workload.ts.length; i++)
    byWriter[writerOf(workload.actorVals[workload.actorOff[i] as number] as number, WRITERS)]?.push(i);
  const batches = byWriter
    .flatMap((indices, writer) =>
      Array.from({ length: Math.ceil(indices.length / 145) }, (_, b) => ({
        writer,
        at: b * 145,
        indices: indices.slice(b * 145, b * 145 + 145),
      })),
    )
    .map((batch) => ({ ...batch, arrival: workload.ts[batch.indices[batch.indices.length - 1] as number] as number }))
    .sort((a, b) => a.arrival - b.arrival);
  const tierKeys = () => [...memory.objects.keys()].filter((key) => key.includes('/tier/'));
  let puts = 0;
  let written = 0;
  let deleted = 0;
  let runs = 0;
  let tick = T0 + MERGE_EVERY_MS;
  const run = async (now: number) => {
    const before = memory.counts.puts;
    const outcome = await mergeDay(context, day, { now });
    puts += memory.counts.puts - before;
    runs++;
    if (outcome.status === 'merged') {
      written += outcome.segments;
      deleted += outcome.deleted;
    }
  };
  for (const batch of batches) {
    while (tick <= batch.arrival) {
      await run(tick);
      tick += MERGE_EVERY_MS;
    }
    const payloads = batch.indices.map((i) => {
      const event = eventAt(workload, i);
      return jsonPayload(event, String(event.actors[0]));
    });
    const first = 49_000_000_000_000_000_000n + BigInt(batch.at);
    arrival = batch.arrival;
    const result = await writeBatch(context, syntheticRecords(payloads, { shardId: `shardId-00000000000${batch.writer}`, first }));
    if (result.retryFrom !== undefined) throw new Error(`writer ${batch.writer} failed at ${result.retryFrom}`);
  }
  await run(tick);
  const leftOpen = tierKeys().length;
  const later = tick + SEGMENT_GRACE_MS;
  await run(later);
  const leftAfterGrace = tierKeys().length;
  const done = await compactDay(context, day, { now: LATER });
  if (done.status !== 'compacted') throw new Error(`compaction did not run: ${done.status}`);
  await sweepCompactedChunks(context, done.meta, LATER + 3_600_000, 3_600_000);
  return {
    title: `Merger over one day of ${WRITERS} writers in 145-event batches, every 5 min (${runs} runs, simulated time; in-memory S3)`,
    columns: [
      'merge PUTs',
      'segments written',
      'segments deleted',
      'tier/ objects at end of day',
      '… 5 min later',
      '… after compaction and sweep',
    ],
    rows: [[puts, written, deleted, leftOpen, leftAfterGrace, tierKeys().length]],
    notes: [
      'PUTs: segment objects and tier manifests. Objects left: live segments, those retired less than 5 min ago, and the manifest;',
      "compaction's sweep (after its 1 h grace) deletes the day's whole tier/.",
    ],
  };
}
