/** Chunk format figures: build speed, bytes per event, index size, reader speed, on the shared workload. */
import { buildChunk } from '../shared/chunk/builder';
import { CHUNK_DEFAULTS, type ChunkOptions } from '../shared/chunk/options';
import { matchOrdinals, openChunk, readEntries } from '../shared/chunk/reader';
import { memorySource } from '../shared/chunk/source';
import { loadZstd } from '../shared/codec/zstd';
import { frameSize } from '../shared/event/limits';
import type { TalesEvent } from '../shared/event/types';
import { dayNumber } from '../shared/layout/day';
import { type BenchTable, percentiles } from './table';
import { eventAt, generate } from './workload';

const CHUNK_EVENTS = 10_000;
const CHUNKS = 20;

export async function benchFormat(): Promise<BenchTable[]> {
  const workload = generate(CHUNK_EVENTS * CHUNKS);
  const zstd = await loadZstd();
  const encoder = new TextEncoder();
  const batches: TalesEvent[][] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const events = Array.from({ length: CHUNK_EVENTS }, (_, i) => eventAt(workload, c * CHUNK_EVENTS + i));
    const day = dayNumber((events[0] as TalesEvent).time);
    batches.push(events.filter((event) => dayNumber(event.time) === day));
  }
  const variants: [string, ChunkOptions][] = [
    ['default', {}],
    ['no dictionary', { dictionarySize: 0 }],
    ['16 KiB blocks', { blockSize: 16_384 }],
    ['256 KiB blocks', { blockSize: 262_144 }],
    ['level 9', { level: 9 }],
    ['inline ≤ 8', { inlineMax: 8 }],
  ];
  const buildRows: (string | number)[][] = [];
  for (const [name, options] of variants) {
    const times: number[] = [];
    let stored = 0;
    let index = 0;
    let head = 0;
    let events = 0;
    let frames = 0;
    for (const batch of batches) {
      const start = performance.now();
      const chunk = buildChunk(batch, zstd, options);
      times.push(performance.now() - start);
      stored += chunk.bytes.length;
      index += chunk.indexSize;
      head += chunk.headSize;
      events += batch.length;
      for (const event of batch) frames += frameSize(event.actors.length, encoder.encode(event.text).length);
    }
    const { p50, p95 } = percentiles(times);
    const total = times.reduce((a, b) => a + b, 0);
    buildRows.push([
      name,
      p50,
      p95,
      Math.round(events / (total / 1000)),
      frames / 1e6 / (total / 1000),
      stored / events,
      index / events,
      head / events,
      frames / stored,
    ]);
  }

  const readRows: (string | number)[][] = [];
  const chunks = batches.map((batch) => buildChunk(batch, zstd));
  const hot = workload.idOfRank[0] as number;
  const hot2 = workload.idOfRank[1] as number;
  for (const [name, actors] of [
    ['hot actor', [hot]],
    ['hot ∧ hot2', [hot, hot2]],
  ] as const) {
    let rows = 0;
    const start = performance.now();
    for (const chunk of chunks) {
      const source = memorySource('bench', chunk.bytes);
      const index = await openChunk(source, zstd, chunk.headSize);
      const ordinals = await matchOrdinals(index, source, actors);
      for await (const _ of readEntries(index, source, ordinals, zstd)) rows++;
    }
    const seconds = (performance.now() - start) / 1000;
    readRows.push([name, rows, Math.round(rows / seconds), (seconds * 1000) / chunks.length]);
  }
  return [
    {
      title: `Chunk build (${CHUNKS} chunks of ≤${CHUNK_EVENTS.toLocaleString('en-US')} workload events; defaults ${JSON.stringify(CHUNK_DEFAULTS)})`,
      columns: [
        'layout',
        'build p50 ms',
        'build p95 ms',
        'events/s',
        'MB/s (frames)',
        'B/event stored',
        'index B/event',
        'head B/event',
        'ratio',
      ],
      rows: buildRows,
      notes: ['Reference: kelindar/tales 40 B/event, zstd Parquet (DuckDB) 27.8 B/event. Ratio = frame bytes / stored bytes.'],
    },
    {
      title: 'Chunk read from memory (open head, AND bitmaps, decode needed blocks)',
      columns: ['query', 'rows', 'rows/s', 'ms per chunk'],
      rows: readRows,
    },
  ];
}
