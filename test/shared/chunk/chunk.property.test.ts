import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChunk } from '../../../shared/chunk/builder';
import { writeIndex } from '../../../shared/chunk/index-writer';
import type { ChunkOptions } from '../../../shared/chunk/options';
import { matchOrdinals, openChunk, readEntries } from '../../../shared/chunk/reader';
import { memorySource } from '../../../shared/chunk/source';
import { OrdinalSet } from '../../../shared/codec/ordinal-set';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { DAY_MS } from '../../../shared/layout/day';
import { countingSource, drain, expectedEntries, queryChunk } from '../../support/chunk-reads';

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

const KEY = 'v1/2026-07-01/w/shardId-000000000000/00000000000000000000.tale';
/** A small pool so that random actor sets often meet in one event and ANDs hit. */
const POOL = [0, 1, 2, 3, 7, 42, 65_535, 65_536, 1_000_000, 0xffff_ffff];
const ABSENT = 5; // never in POOL

const texts = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 200, maxLength: 1500 }) },
);

/** Random events of one UTC day, in arrival order, with times clustered so equal milliseconds occur. */
const batches = fc.integer({ min: 0, max: 100_000 }).chain((day) => {
  const start = day * DAY_MS;
  const offsets = fc.oneof(
    fc.integer({ min: 0, max: DAY_MS - 1 }),
    fc.constantFrom(0, 1, 500, 500, 43_200_000, DAY_MS - 1),
    fc.integer({ min: 1000, max: 1010 }),
  );
  const event = fc.record({
    time: offsets.map((offset) => start + offset),
    actors: fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1, maxLength: 5 }),
    text: texts,
  });
  return fc.array(event, { minLength: 1, maxLength: 150 });
});

const chunkOptions: fc.Arbitrary<ChunkOptions> = fc.record({
  blockSize: fc.constantFrom(1024, 1024, 2000, 65_536),
  inlineMax: fc.integer({ min: 0, max: 64 }),
  dictionarySize: fc.constantFrom(0, 256, 1024, 8192),
  level: fc.constantFrom(1, 3),
});

const actorSets = fc.uniqueArray(fc.constantFrom(...POOL, ABSENT), { minLength: 1, maxLength: 3 });

function naming(entries: ReturnType<typeof expectedEntries>, actors: readonly number[]) {
  return entries.filter((entry) => actors.every((actor) => entry.actors.includes(actor)));
}

describe('chunk round trip (fast-check)', () => {
  it('(a) every ordinal reads back the batch sorted by (time, arrival), per actor and all at once', async () => {
    await fc.assert(
      fc.asyncProperty(batches, chunkOptions, async (events, options) => {
        const built = buildChunk(events, zstd, options);
        const expected = expectedEntries(events);
        const source = memorySource(KEY, built.bytes);
        const index = await openChunk(source, zstd, built.headSize);
        expect(index.entryCount).toBe(events.length);
        expect({ minTime: built.minTime, maxTime: built.maxTime, entryCount: built.entryCount }).toEqual({
          minTime: (expected[0] as TalesEvent).time,
          maxTime: (expected[expected.length - 1] as TalesEvent).time,
          entryCount: events.length,
        });
        expect([index.indexSize, index.objectSize]).toEqual([built.indexSize, built.bytes.length]);

        const all = OrdinalSet.of(Uint32Array.from(expected, (_, i) => i));
        expect(await drain(readEntries(index, source, all, zstd))).toEqual(expected);

        for (const actor of new Set(events.flatMap((event) => event.actors))) {
          const want = naming(expected, [actor]);
          expect(Array.from((await matchOrdinals(index, source, [actor])).values(0, 2 ** 32))).toEqual(want.map((entry) => entry.ordinal));
          expect(await queryChunk(index, source, zstd, [actor])).toEqual(want);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('(b) the AND of random actor sets equals a brute-force filter of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(batches, chunkOptions, fc.array(actorSets, { minLength: 1, maxLength: 6 }), async (events, options, queries) => {
        const built = buildChunk(events, zstd, options);
        const expected = expectedEntries(events);
        const source = memorySource(KEY, built.bytes);
        const index = await openChunk(source, zstd, built.headSize);
        for (const actors of queries) {
          const want = naming(expected, actors);
          expect(Array.from((await matchOrdinals(index, source, actors)).values(0, 2 ** 32))).toEqual(want.map((entry) => entry.ordinal));
          expect(await queryChunk(index, source, zstd, actors, { maxGap: 0, concurrency: 1 })).toEqual(want);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('(c) inclusive time bounds equal brute force, ascending and, exactly reversed, descending', async () => {
    await fc.assert(
      fc.asyncProperty(
        batches,
        chunkOptions,
        fc.option(actorSets, { nil: undefined }),
        fc.integer({ min: -10, max: DAY_MS + 10 }),
        fc.integer({ min: -10, max: DAY_MS + 10 }),
        fc.boolean(),
        async (events, options, actors, a, b, pickFromBatch) => {
          const built = buildChunk(events, zstd, options);
          const expected = expectedEntries(events);
          const dayStart = built.day * DAY_MS;
          // Bounds often sit exactly on event times, where off-by-one errors live.
          const onEvent = (n: number) => (expected[Math.abs(n) % expected.length] as TalesEvent).time;
          const [from, to] = pickFromBatch
            ? [onEvent(a), onEvent(b)].sort((x, y) => x - y)
            : [dayStart + Math.min(a, b), dayStart + Math.max(a, b)];
          const source = memorySource(KEY, built.bytes);
          const index = await openChunk(source, zstd, built.headSize);
          const ordinals = actors ? await matchOrdinals(index, source, actors) : OrdinalSet.of(Uint32Array.from(expected, (_, i) => i));
          const want = naming(expected, actors ?? []).filter((entry) => entry.time >= (from as number) && entry.time <= (to as number));
          expect(await drain(readEntries(index, source, ordinals, zstd, { from, to }))).toEqual(want);
          expect(await drain(readEntries(index, source, ordinals, zstd, { from, to, descending: true }))).toEqual([...want].reverse());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('(d) an absent actor yields no ordinals and reads nothing beyond the head', async () => {
    await fc.assert(
      fc.asyncProperty(
        batches,
        chunkOptions,
        fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 3 }),
        async (events, options, present) => {
          const built = buildChunk(events, zstd, options);
          const source = countingSource(memorySource(KEY, built.bytes));
          const index = await openChunk(source, zstd, built.headSize);
          expect(source.reads).toEqual([{ offset: 0, length: built.headSize }]);
          source.reads.length = 0;
          for (const actors of [[ABSENT], [...present, ABSENT], [ABSENT, ...present]]) {
            const ordinals = await matchOrdinals(index, source, actors);
            expect(ordinals.size).toBe(0);
            expect(await drain(readEntries(index, source, ordinals, zstd))).toEqual([]);
          }
          expect(source.reads).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('(e) openChunk with and without the known head size gives the same index', async () => {
    await fc.assert(
      fc.asyncProperty(batches, chunkOptions, async (events, options) => {
        const built = buildChunk(events, zstd, options);
        const withSize = countingSource(memorySource(KEY, built.bytes));
        const without = countingSource(memorySource(KEY, built.bytes));
        const known = await openChunk(withSize, zstd, built.headSize);
        const found = await openChunk(without, zstd);
        expect(withSize.reads).toHaveLength(1);
        expect(without.reads).toHaveLength(2);
        const facts = (index: typeof known) => ({
          key: index.key,
          header: index.header,
          blocks: index.blocks,
          actors: Array.from(index.directory.actorIds),
          postings: Array.from(index.directory.actorIds, (actor) => index.postings(actor)),
          dictionaries: index.directory.dictionaries,
          entryCount: index.entryCount,
          minTime: index.minTime,
          maxTime: index.maxTime,
          indexSize: index.indexSize,
          objectSize: index.objectSize,
        });
        expect(facts(found)).toEqual(facts(known));
        const all = OrdinalSet.of(Uint32Array.from({ length: events.length }, (_, i) => i));
        expect(await drain(readEntries(found, without, all, zstd))).toEqual(await drain(readEntries(known, withSize, all, zstd)));
      }),
      { numRuns: 50 },
    );
  });
});

describe('buildChunk', () => {
  const start = Date.UTC(2026, 6, 1);
  const event = (time: number): TalesEvent => ({ time, actors: [1], text: 'x' });

  it('sorts by time and keeps arrival order among equal times', async () => {
    const events = [event(start + 5), { ...event(start + 1), text: 'a' }, { ...event(start + 1), text: 'b' }, event(start)];
    const built = buildChunk(events, zstd);
    const index = await openChunk(memorySource(KEY, built.bytes), zstd);
    const rows = await queryChunk(index, memorySource(KEY, built.bytes), zstd, [1]);
    expect(rows.map((row) => [row.time - start, row.text, row.ordinal])).toEqual([
      [0, 'x', 0],
      [1, 'a', 1],
      [1, 'b', 2],
      [5, 'x', 3],
    ]);
  });

  it('splits blocks by uncompressed size', async () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ ...event(start + i), text: 'y'.repeat(100) }));
    const index = await openChunk(memorySource(KEY, buildChunk(events, zstd, { blockSize: 1024 }).bytes), zstd);
    expect(index.blocks.length).toBeGreaterThanOrEqual(9);
    expect(index.blocks.reduce((n, block) => n + block.count, 0)).toBe(100);
  });

  it('rejects an empty batch', () => {
    expect(() => buildChunk([], zstd)).toThrow(new RangeError('a chunk needs at least one event'));
  });

  it('rejects events of two days', () => {
    expect(() => buildChunk([event(start), event(start + DAY_MS)], zstd)).toThrow(
      new RangeError(`event at ${start + DAY_MS} is not in the chunk's day 20635`),
    );
    expect(() => buildChunk([event(start), event(start - 1)], zstd)).toThrow(`event at ${start - 1} is not in the chunk's day 20635`);
  });

  it.each([
    [{ blockSize: 1023 }, 'blockSize must be an integer in 1024..1048576 (given 1023)'],
    [{ blockSize: 1_048_577 }, 'blockSize must be an integer in 1024..1048576 (given 1048577)'],
    [{ blockSize: 2048.5 }, 'blockSize must be an integer in 1024..1048576 (given 2048.5)'],
    [{ level: 0 }, 'level must be an integer in 1..19 (given 0)'],
    [{ level: 20 }, 'level must be an integer in 1..19 (given 20)'],
    [{ inlineMax: -1 }, 'inlineMax must be an integer in 0..4096 (given -1)'],
    [{ inlineMax: 4097 }, 'inlineMax must be an integer in 0..4096 (given 4097)'],
    [{ inlineMax: Number.NaN }, 'inlineMax must be an integer in 0..4096 (given NaN)'],
    [{ dictionarySize: 65_537 }, 'dictionarySize must be an integer in 0..65536 (given 65537)'],
  ])('rejects the options %j', (options, message) => {
    expect(() => buildChunk([event(start)], zstd, options)).toThrow(new RangeError(message));
  });
});

describe('openChunk', () => {
  it('opens an index of 150,000 blocks, as a large compacted day has', async () => {
    const count = 150_000;
    const blocks = Array.from({ length: count }, (_, i) => {
      const time = Math.floor((i * (DAY_MS - 1)) / count);
      return { size: 1, rawSize: 1, count: 1, minTime: time, maxTime: time, dictionary: -1, crc: 0 };
    });
    const index = writeIndex(
      {
        day: 20_635,
        entryCount: count,
        inlineMax: 0,
        level: 1,
        dictionaries: [],
        blocks,
        blocksSize: count,
        postings: new Map([[1, Uint32Array.of(0)]]),
      },
      zstd,
    );
    const opened = await openChunk(memorySource(KEY, index.bytes), zstd, index.headSize);
    expect(opened.blocks).toHaveLength(count);
    expect([opened.minTime, opened.maxTime]).toEqual([20_635 * DAY_MS, 20_635 * DAY_MS + (blocks[count - 1]?.maxTime as number)]);
  });
});
