import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventAt, generate } from '../../../bench/workload';
import type { OriginEvent } from '../../../shared/chunk/day-block';
import { decodeDayBlock, encodeActorColumn, encodeDayBlock } from '../../../shared/chunk/day-block';
import { DayDirectory, encodeDayDirectory } from '../../../shared/chunk/day-directory';
import { type ChunkEntry, matchOrdinals, openChunk, readEntries } from '../../../shared/chunk/reader';
import { memorySource } from '../../../shared/chunk/source';
import { concatBytes } from '../../../shared/codec/bytes';
import { CorruptError, FormatError, TruncatedError } from '../../../shared/codec/errors';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { DayEncoder } from '../../../shared/compact/day-encoder';
import { DAY_MS } from '../../../shared/layout/day';

const INDEX_KEY = 'v1/2026-07-01/compact/0123456789abcdef.index.tale';
const DATA_KEY = 'v1/2026-07-01/compact/0123456789abcdef.blocks';
const DAY = 20_635;
const SOURCES = 3;

let zstd: BlockCompressor;
let index: Uint8Array;
let data: Uint8Array;
let headSize: number;
let queries: number[][];
let rows: ChunkEntry[][];

/** The read path over a re-encoded day: open the head, AND each query, drain its blocks (with their actor columns). */
async function readPath(indexBytes: Uint8Array, dataBytes: Uint8Array): Promise<ChunkEntry[][]> {
  const source = memorySource(INDEX_KEY, indexBytes);
  const opened = await openChunk(source, zstd, headSize);
  const out: ChunkEntry[][] = [];
  for (const actors of queries) {
    const ordinals = await matchOrdinals(opened, source, actors);
    const found: ChunkEntry[] = [];
    for await (const entry of readEntries(opened, source, ordinals, zstd, {
      blocksAt: { source: memorySource(DATA_KEY, dataBytes), offset: 0 },
    }))
      found.push(entry);
    out.push(found);
  }
  return out;
}

/** A damaged day must give a format error naming one of its objects, or exactly the undamaged rows. */
async function expectSafe(indexBytes: Uint8Array, dataBytes: Uint8Array): Promise<'rejected' | 'same rows'> {
  try {
    expect(await readPath(indexBytes, dataBytes)).toEqual(rows);
    return 'same rows';
  } catch (error) {
    if (!(error instanceof TruncatedError || error instanceof CorruptError)) throw error;
    expect([INDEX_KEY, DATA_KEY]).toContain(error.key);
    return 'rejected';
  }
}

beforeAll(async () => {
  zstd = await loadZstd();
  const workload = generate(3000);
  const events: OriginEvent[] = Array.from({ length: 3000 }, (_, i) => {
    const event = eventAt(workload, i);
    return { ...event, time: DAY * DAY_MS + (event.time % DAY_MS), source: i % SOURCES, ordinal: Math.floor(i / SOURCES) * 2 };
  }).sort((a, b) => a.time - b.time || a.source - b.source);
  const parts: Uint8Array[] = [];
  const encoder = new DayEncoder(
    DAY,
    zstd,
    new TextEncoder().encode(
      events
        .slice(0, 60)
        .map((e) => e.text)
        .join(''),
    ),
    async (bytes) => {
      parts.push(bytes);
    },
    { blockSize: 16_384, level: 3 },
  );
  for (const event of events) await encoder.add(event);
  const encoded = await encoder.finish(SOURCES);
  index = encoded.index;
  data = concatBytes(parts);
  headSize = encoded.headSize;
  const counts = new Map<number, number>();
  for (const event of events) for (const actor of event.actors) counts.set(actor, (counts.get(actor) ?? 0) + 1);
  const byCount = [...counts].sort((a, b) => b[1] - a[1]).map(([actor]) => actor);
  queries = [[byCount[0] as number], [byCount[0] as number, byCount[1] as number], [byCount[byCount.length - 1] as number], [999_999]];
  rows = await readPath(index, data);
  expect(rows[0]?.length).toBe(counts.get(byCount[0] as number));
  expect(rows[3]).toEqual([]);
});

describe('a re-encoded day under hostile input', () => {
  it('reads back every entry with its origin', () => {
    for (const entry of rows[0] ?? []) expect(entry.origin?.source).toBeLessThan(SOURCES);
    expect(rows[0]?.every((entry, i, all) => i === 0 || (all[i - 1] as ChunkEntry).time <= entry.time)).toBe(true);
  });

  it('refuses every truncation of the index object with a format error naming it', async () => {
    for (let length = 0; length < index.length; length += Math.max(1, Math.floor(index.length / 300))) {
      expect(await expectSafe(index.subarray(0, length), data)).toBe('rejected');
    }
  });

  it('refuses a truncated data object with a TruncatedError naming it', async () => {
    await expect(readPath(index, data.subarray(0, data.length - 1))).rejects.toThrow(TruncatedError);
    await expect(readPath(index, data.subarray(0, data.length - 1))).rejects.toThrow(`${DATA_KEY}: blocks at`);
  });

  it('answers every flipped bit with a format error or the undamaged rows, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (inIndex, at, bit) => {
        const target = (inIndex ? index : data).slice();
        target[at % target.length] = (target[at % target.length] as number) ^ (1 << bit);
        await expectSafe(inIndex ? target : index, inIndex ? data : target);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a damaged directory (past its checksum) only to a format error', () => {
    const raw = encodeDayDirectory({
      dictionaries: [],
      sourceCount: 2,
      blocks: [
        {
          size: 30,
          count: 2,
          minTime: 5,
          maxTime: 9,
          crc: 1,
          columns: { columnsSize: 10, columnsRaw: 12, textsRaw: 8, actorsSize: 7, actorsRaw: 6, actorsCrc: 2 },
        },
      ],
      actors: [
        { id: 3, cardinality: 2, blocks: [0] },
        { id: 70_000, cardinality: 1, blocks: [0] },
      ],
      ranks: [0, 1],
    });
    expect(DayDirectory.decode(raw, 2, 7, 30).rankIds).toEqual(Uint32Array.from([3, 70_000]));
    expect(() => DayDirectory.decode(raw, 2, 7, 31)).toThrow('blocks total 30 bytes, header says 31');
    expect(() => DayDirectory.decode(raw.subarray(0, raw.length - 1), 2, 7, 30)).toThrow(TruncatedError);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(raw.length), (at, xor, cut) => {
        const damaged = raw.slice(0, Math.max(cut, 1));
        damaged[at % damaged.length] = (damaged[at % damaged.length] as number) ^ xor;
        try {
          DayDirectory.decode(damaged, 2, 7, 30);
        } catch (error) {
          expect(error).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes damaged block frames (past their checksums) only to a format error', () => {
    const entries: OriginEvent[] = [
      { time: 1000, actors: [5, 9], text: 'a', source: 0, ordinal: 3 },
      { time: 1004, actors: [9], text: 'bé', source: 1, ordinal: 0 },
      { time: 1004, actors: [7], text: '', source: 0, ordinal: 4 },
    ];
    const encoder = new TextEncoder();
    const frames = encodeDayBlock(
      entries,
      entries.map((e) => encoder.encode(e.text)),
      1000,
    );
    const ranks = new Map([
      [9, 0],
      [5, 1],
      [7, 2],
    ]);
    const actors = encodeActorColumn(Uint8Array.from([2, 1, 1]), Uint32Array.from([5, 9, 9, 7]), (actor) => ranks.get(actor) as number);
    const bounds = { count: 3, minTime: 1000, maxTime: 1004, sourceCount: 2, rankIds: Uint32Array.from([9, 5, 7]) };
    const decoded = decodeDayBlock({ ...frames, actors }, bounds);
    expect([0, 1, 2].map((i) => decoded.row(i, i))).toEqual(
      entries.map(({ source, ordinal, ...event }, i) => ({ ...event, ordinal: i, origin: { source, ordinal } })),
    );
    expect(() => decodeDayBlock({ ...frames, actors }, { ...bounds, sourceCount: 1 })).toThrow('source number is 1, over its maximum 0');
    fc.assert(
      fc.property(
        fc.constantFrom('columns', 'texts', 'actors'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(64),
        (which, at, xor, cut) => {
          const all = { ...frames, actors };
          const damaged = all[which].slice(0, Math.max(1, all[which].length - (cut % all[which].length)));
          damaged[at % damaged.length] = (damaged[at % damaged.length] as number) ^ xor;
          try {
            const rowsOf = decodeDayBlock({ ...all, [which]: damaged }, bounds);
            for (let i = 0; i < 3; i++) rowsOf.row(i, i);
          } catch (error) {
            expect(error).toBeInstanceOf(FormatError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
