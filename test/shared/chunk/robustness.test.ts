import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventAt, generate } from '../../../bench/workload';
import { buildChunk } from '../../../shared/chunk/builder';
import { type BlockEntry, Directory, encodeDirectory } from '../../../shared/chunk/directory';
import { type ChunkHeader, decodeHeader, encodeHeader, HEADER_BYTES } from '../../../shared/chunk/header';
import type { ChunkEntry } from '../../../shared/chunk/reader';
import { openChunk } from '../../../shared/chunk/reader';
import { memorySource } from '../../../shared/chunk/source';
import { concatBytes } from '../../../shared/codec/bytes';
import { crc32 } from '../../../shared/codec/checksum';
import { CorruptError, type FormatError, TruncatedError } from '../../../shared/codec/errors';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import type { TalesEvent } from '../../../shared/event/types';
import { queryChunk } from '../../support/chunk-reads';

const KEY = 'v1/2026-07-01/w/shardId-000000000000/00000000000000000042.tale';

interface Sample {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly headSize: number;
  /** Actor sets the read path queries: popular (bitmaps), rare (inline), pairs (AND), absent. */
  readonly queries: readonly (readonly number[])[];
  readonly from: number;
  readonly to: number;
  /** What the undamaged chunk yields for the whole read path. */
  readonly rows: readonly ChunkEntry[][];
}

let zstd: BlockCompressor;
const samples: Sample[] = [];

/** The full read path over `bytes`: open (with or without the head size), AND each query, drain the blocks. */
async function readPath(sample: Sample, bytes: Uint8Array, knownHead: boolean): Promise<ChunkEntry[][]> {
  const source = memorySource(KEY, bytes);
  const index = await openChunk(source, zstd, knownHead ? sample.headSize : undefined);
  const rows: ChunkEntry[][] = [];
  for (const actors of sample.queries) rows.push(await queryChunk(index, source, zstd, actors));
  rows.push(await queryChunk(index, source, zstd, sample.queries[0] as number[], { from: sample.from, to: sample.to, descending: true }));
  return rows;
}

type Outcome = 'rejected' | 'same rows';

/** A damaged chunk must give a format error naming the key, or exactly the undamaged rows. */
async function expectSafe(sample: Sample, bytes: Uint8Array, knownHead = true): Promise<Outcome> {
  try {
    const rows = await readPath(sample, bytes, knownHead);
    expect(rows).toEqual(sample.rows);
    return 'same rows';
  } catch (error) {
    expectFormatError(error);
    return 'rejected';
  }
}

function expectFormatError(error: unknown): void {
  if (!(error instanceof TruncatedError || error instanceof CorruptError)) throw error;
  expect((error as FormatError).key).toBe(KEY);
  expect((error as FormatError).message.startsWith(`${KEY}: `)).toBe(true);
}

function sampleFrom(name: string, events: readonly TalesEvent[], options: Parameters<typeof buildChunk>[2]) {
  const counts = new Map<number, number>();
  for (const event of events) for (const actor of event.actors) counts.set(actor, (counts.get(actor) ?? 0) + 1);
  const byCount = [...counts].sort((a, b) => b[1] - a[1]).map(([actor]) => actor);
  const [top, second, third] = byCount as [number, number, number];
  const rare = byCount[byCount.length - 1] as number;
  const pair = events.find((event) => event.actors.length > 1)?.actors.slice(0, 2) ?? [top];
  const built = buildChunk(events, zstd, options);
  const times = events.map((event) => event.time).sort((a, b) => a - b);
  return {
    name,
    built,
    queries: [[top], [top, second], [third, top, second], [rare], [...pair], [top, 999_999_999]],
    from: times[Math.floor(times.length / 4)] as number,
    to: times[Math.floor((3 * times.length) / 4)] as number,
  };
}

beforeAll(async () => {
  zstd = await loadZstd();
  const workload = generate(900);
  const realistic = Array.from({ length: 900 }, (_, i) => eventAt(workload, i));
  const made = [
    sampleFrom('workload, dictionary, bitmaps', realistic.slice(0, 400), { blockSize: 4096, inlineMax: 8, dictionarySize: 1024 }),
    sampleFrom('workload, no dictionary, small blocks', realistic.slice(600, 900), { blockSize: 1024, inlineMax: 2, dictionarySize: 0 }),
    sampleFrom('twenty events, one block', realistic.slice(0, 20), {}),
  ];
  for (const { name, built, queries, from, to } of made) {
    const partial: Sample = { name, bytes: built.bytes, headSize: built.headSize, queries, from, to, rows: [] };
    samples.push({ ...partial, rows: await readPath(partial, built.bytes, true) });
  }
});

describe('samples', () => {
  it('read real rows, some through bitmaps, some through inline postings, over several blocks', async () => {
    for (const sample of samples) {
      expect(sample.rows[0]?.length).toBeGreaterThan(0);
      expect(sample.rows[1]?.length).toBeGreaterThan(0); // an AND that hits
      expect(sample.rows[5]).toEqual([]); // an absent actor
      const index = await openChunk(memorySource(KEY, sample.bytes), zstd);
      const kinds = new Set(Array.from(index.directory.actorIds, (actor) => index.postings(actor)?.kind));
      if (sample.name !== 'twenty events, one block') {
        expect(kinds).toEqual(new Set(['inline', 'bitmap']));
        expect(index.blocks.length).toBeGreaterThan(5);
      }
    }
    expect((await openChunk(memorySource(KEY, (samples[0] as Sample).bytes), zstd)).directory.dictionaries).toHaveLength(1);
  });
});

describe('damaged chunks give a format error naming the key, or the undamaged rows', () => {
  it('truncated at many lengths', async () => {
    let cases = 0;
    for (const sample of samples) {
      const step = Math.max(1, Math.floor(sample.bytes.length / 500));
      for (let length = 0; length < sample.bytes.length; length += length < 120 ? 1 : step) {
        const outcome = await expectSafe(sample, sample.bytes.subarray(0, length), length % 2 === 0);
        if (length < sample.headSize) expect(outcome).toBe('rejected');
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1200);
  });

  it('with one bit flipped in every region: header, directory, dictionary, bitmaps, blocks', async () => {
    const outcomes: Record<Outcome, number> = { rejected: 0, 'same rows': 0 };
    for (const sample of samples) {
      const header = decodeHeader(sample.bytes);
      const directoryEnd = HEADER_BYTES + header.directorySize;
      const indexSize = sample.bytes.length - header.blocksSize;
      const regions = [
        [0, HEADER_BYTES],
        [HEADER_BYTES, directoryEnd],
        [directoryEnd, sample.headSize],
        [sample.headSize, indexSize],
        [indexSize, sample.bytes.length],
      ].filter(([start, end]) => (end as number) > (start as number)) as [number, number][];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...regions),
          fc.nat(),
          fc.nat({ max: 7 }),
          fc.boolean(),
          async ([start, end], at, bit, knownHead) => {
            const damaged = sample.bytes.slice();
            const index = start + (at % (end - start));
            damaged[index] = (damaged[index] as number) ^ (1 << bit);
            const outcome = await expectSafe(sample, damaged, knownHead);
            if (index < directoryEnd) expect(outcome).toBe('rejected');
            outcomes[outcome]++;
          },
        ),
        { numRuns: 800 },
      );
    }
    expect(outcomes.rejected).toBeGreaterThan(1200);
  });

  it('random bytes, bare or behind a valid header', async () => {
    const sample = samples[0] as Sample;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), async (random, keepHeader) => {
        const bytes = keepHeader ? concatBytes([sample.bytes.subarray(0, HEADER_BYTES), random]) : random;
        expect(await expectSafe(sample, bytes, false)).toBe('rejected');
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a directory size far past the object', { directorySize: 0xffff_ffff }, TruncatedError],
    ['a huge raw directory size', { directoryRawSize: 0xffff_ffff }, CorruptError],
    ['a huge entry count', { entryCount: 0xffff_ffff }, CorruptError],
    ['a huge postings size', { postingsSize: 0xffff_ffff }, CorruptError],
    ['a huge blocks size', { blocksSize: 0xffff_ffff }, CorruptError],
    ['no entries', { entryCount: 0 }, CorruptError],
    ['a day past the last representable time', { day: 0xffff_ffff }, CorruptError],
  ])('a valid header with %s', async (_name, change, Kind) => {
    for (const sample of samples) {
      const header = { ...decodeHeader(sample.bytes), ...change };
      const bytes = concatBytes([encodeHeader(header), sample.bytes.subarray(HEADER_BYTES)]);
      for (const knownHead of [true, false]) {
        const error = await readPath(sample, bytes, knownHead).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(Kind);
        expectFormatError(error);
      }
    }
  });
});

/** A chunk taken apart so that its regions can be changed and the checksums made to match again. */
interface Parts {
  header: ChunkHeader;
  directory: Directory;
  directoryRaw: Uint8Array;
  dictionaries: Uint8Array;
  bitmaps: Uint8Array;
  blocks: Uint8Array;
}

const splits = new Map<Uint8Array, Parts>();

function split(bytes: Uint8Array): Parts {
  const known = splits.get(bytes);
  if (known) return known;
  const header = decodeHeader(bytes);
  const directoryEnd = HEADER_BYTES + header.directorySize;
  const directoryRaw = zstd.decompress(bytes.subarray(HEADER_BYTES, directoryEnd), header.directoryRawSize);
  const directory = Directory.decode(directoryRaw, header.entryCount, header.postingsSize, header.blocksSize);
  const postingsStart = directoryEnd + directory.dictionariesSize;
  const blocksStart = postingsStart + header.postingsSize;
  const parts = {
    header,
    directory,
    directoryRaw,
    dictionaries: bytes.subarray(directoryEnd, postingsStart),
    bitmaps: bytes.subarray(postingsStart, blocksStart),
    blocks: bytes.subarray(blocksStart),
  };
  splits.set(bytes, parts);
  return parts;
}

/** The directory re-encoded with `blocks` and bitmap checksums replaced. */
function encodeWith(directory: Directory, blocks: readonly BlockEntry[], bitmapCrc: (actor: number, crc: number) => number): Uint8Array {
  return encodeDirectory({
    inlineMax: directory.inlineMax,
    dictionaries: directory.dictionaries,
    blocks,
    actors: Array.from(directory.actorIds, (id, i) => {
      const postings = directory.postings(i);
      return { id, postings: postings.kind === 'bitmap' ? { ...postings, crc: bitmapCrc(id, postings.crc) } : postings };
    }),
  }).slice();
}

/** Reassembles a chunk with fresh directory and header checksums: damage the checksums cannot see. */
function seal(parts: Parts, directoryRaw: Uint8Array): Uint8Array {
  const directory = zstd.compress(directoryRaw, 3);
  const header = encodeHeader({
    ...parts.header,
    directorySize: directory.length,
    directoryRawSize: directoryRaw.length,
    blocksSize: parts.blocks.length,
    directoryCrc: crc32(directory),
  });
  return concatBytes([header, directory, parts.dictionaries, parts.bitmaps, parts.blocks]);
}

function flip(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const out = bytes.slice();
  const index = at % out.length;
  out[index] = (out[index] as number) ^ (1 << bit);
  return out;
}

/** With checksums that match, the decoders' own checks are all that stand between bad bytes and a crash. */
async function expectNoCrash(sample: Sample, bytes: Uint8Array): Promise<void> {
  try {
    await readPath(sample, bytes, false);
  } catch (error) {
    expectFormatError(error);
  }
}

describe('checksum-valid hostile structures give a format error or rows, never a crash or hang', () => {
  it('re-sealing an undamaged chunk reproduces it', () => {
    for (const sample of samples) {
      const parts = split(sample.bytes);
      const raw = encodeWith(parts.directory, parts.directory.blocks, (_, crc) => crc);
      expect(raw).toEqual(parts.directoryRaw);
      expect(split(seal(parts, raw)).directoryRaw).toEqual(parts.directoryRaw);
    }
  });

  it('a directory with a flipped bit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: samples.length - 1 }), fc.nat(), fc.nat({ max: 7 }), async (which, at, bit) => {
        const sample = samples[which] as Sample;
        const parts = split(sample.bytes);
        await expectNoCrash(sample, seal(parts, flip(parts.directoryRaw, at, bit)));
      }),
      { numRuns: 600 },
    );
  });

  it('a block with a flipped bit before compression', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: samples.length - 1 }), fc.nat(), fc.nat(), fc.nat({ max: 7 }), async (s, which, at, bit) => {
        const sample = samples[s] as Sample;
        const parts = split(sample.bytes);
        const { blocks } = parts.directory;
        const b = which % blocks.length;
        const entry = blocks[b] as BlockEntry;
        const dictionary = entry.dictionary < 0 ? undefined : dictionaryOf(parts, entry.dictionary);
        const raw = zstd.decompress(parts.blocks.subarray(entry.offset, entry.offset + entry.size), entry.rawSize, dictionary);
        const damaged = zstd.compress(flip(raw, at, bit), 3, dictionary);
        const newBlocks = concatBytes([parts.blocks.subarray(0, entry.offset), damaged, parts.blocks.subarray(entry.offset + entry.size)]);
        const table = blocks.map((row, i) => (i === b ? { ...row, size: damaged.length, crc: crc32(damaged) } : row));
        await expectNoCrash(
          sample,
          seal(
            { ...parts, blocks: newBlocks },
            encodeWith(parts.directory, table, (_, crc) => crc),
          ),
        );
      }),
      { numRuns: 600 },
    );
  });

  it('a bitmap with a flipped bit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }), fc.nat(), fc.nat(), fc.nat({ max: 7 }), async (s, which, at, bit) => {
        const sample = samples[s] as Sample;
        const parts = split(sample.bytes);
        const withBitmaps = Array.from(parts.directory.actorIds, (_, i) => parts.directory.postings(i)).flatMap((p) =>
          p.kind === 'bitmap' ? [p] : [],
        );
        const target = withBitmaps[which % withBitmaps.length] as (typeof withBitmaps)[number];
        const bitmap = flip(parts.bitmaps.subarray(target.offset, target.offset + target.size), at, bit);
        const bitmaps = parts.bitmaps.slice();
        bitmaps.set(bitmap, target.offset);
        const raw = encodeWith(parts.directory, parts.directory.blocks, (_, crc) => (crc === target.crc ? crc32(bitmap) : crc));
        await expectNoCrash(sample, seal({ ...parts, bitmaps }, raw));
      }),
      { numRuns: 600 },
    );
  });
});

/** A dictionary as the blocks use it: the section stores it zstd-compressed. */
function dictionaryOf(parts: Parts, number: number): Uint8Array {
  const entry = parts.directory.dictionaries[number] as { offset: number; size: number; rawSize: number };
  return zstd.decompress(parts.dictionaries.subarray(entry.offset, entry.offset + entry.size), entry.rawSize);
}
