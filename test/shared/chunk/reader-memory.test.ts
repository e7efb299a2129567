import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBlock } from '../../../shared/chunk/block';
import { encodeDirectory } from '../../../shared/chunk/directory';
import { encodeHeader } from '../../../shared/chunk/header';
import { matchOrdinals, openChunk, readEntries } from '../../../shared/chunk/reader';
import type { ByteSource } from '../../../shared/chunk/source';
import { concatBytes } from '../../../shared/codec/bytes';
import { crc32 } from '../../../shared/codec/checksum';
import { CorruptError } from '../../../shared/codec/errors';
import { compressFramed } from '../../../shared/codec/framed';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { DAY_MS } from '../../../shared/layout/day';
import { fullRunsBitmap } from '../../support/huge-bitmap';

const KEY = 'v1/2026-07-01/compact/huge.idx';
const DAY = Date.UTC(2026, 6, 1) / DAY_MS;
const ACTOR = 7;
const PER_BLOCK = 65_536;
const BLOCKS = 768;
/** 50,331,648 entries, every one naming ACTOR: a compacted day of a very busy actor. */
const ENTRIES = PER_BLOCK * BLOCKS;

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

/**
 * A chunk of ENTRIES entries (one repeated block body, a few KiB in all) whose only actor's bitmap is
 * `bitmap`, with its blocks after its index as in a writer chunk.
 */
function hugeChunk(bitmap: Uint8Array, cardinality = ENTRIES): Uint8Array {
  const raw = encodeBlock(
    Array.from({ length: PER_BLOCK }, () => ({ time: DAY * DAY_MS + 1000, actors: [ACTOR], text: '' })),
    Array.from({ length: PER_BLOCK }, () => new Uint8Array(0)),
    DAY * DAY_MS + 1000,
  );
  const block = zstd.compress(raw, 3);
  const entry = {
    size: block.length,
    rawSize: raw.length,
    count: PER_BLOCK,
    minTime: 1000,
    maxTime: 1000,
    dictionary: -1,
    crc: crc32(block),
  };
  const directoryRaw = encodeDirectory({
    inlineMax: 4,
    dictionaries: [],
    blocks: Array.from({ length: BLOCKS }, () => entry),
    actors: [{ id: ACTOR, postings: { kind: 'bitmap', cardinality, offset: 0, size: bitmap.length, crc: crc32(bitmap) } }],
  });
  const directory = compressFramed(zstd, directoryRaw, 3);
  const header = encodeHeader({
    day: DAY,
    entryCount: ENTRIES,
    directorySize: directory.length,
    directoryRawSize: directoryRaw.length,
    postingsSize: bitmap.length,
    blocksSize: block.length * BLOCKS,
    directoryCrc: crc32(directory),
  });
  return concatBytes([header, directory, bitmap, ...Array.from({ length: BLOCKS }, () => block)]);
}

/** A source over `bytes` that notes the ArrayBuffer memory in use at each read (the reader's working set while it reads blocks). */
function sampledSource(bytes: Uint8Array): ByteSource & { peak: number } {
  const source = {
    key: KEY,
    peak: 0,
    async read(offset: number, length: number) {
      source.peak = Math.max(source.peak, process.memoryUsage().arrayBuffers);
      return bytes.subarray(offset, offset + length);
    },
  };
  return source;
}

describe('a bitmap of 50 million ordinals', () => {
  it('is read by window: a page of 50, oldest or newest, holds a few MiB, not the 200 MB of its ordinals', async () => {
    const bytes = hugeChunk(fullRunsBitmap(ENTRIES));
    expect(bytes.length).toBeLessThan(1024 * 1024);
    for (const descending of [false, true]) {
      const source = sampledSource(bytes);
      const before = process.memoryUsage().arrayBuffers;
      const index = await openChunk(source, zstd);
      const ordinals = await matchOrdinals(index, source, [ACTOR]);
      expect(ordinals.size).toBe(ENTRIES);
      const page = [];
      for await (const entry of readEntries(index, source, ordinals, zstd, { descending })) {
        page.push(entry.ordinal);
        if (page.length === 50) break;
      }
      expect(page).toEqual(Array.from({ length: 50 }, (_, i) => (descending ? ENTRIES - 1 - i : i)));
      expect(source.peak - before).toBeLessThan(16 * 1024 * 1024);
    }
  });

  it('forged past the chunk (a count the directory does not hold) is a CorruptError naming the key, before any allocation', async () => {
    const forged = hugeChunk(fullRunsBitmap(2 ** 32), ENTRIES);
    const source = sampledSource(forged);
    const index = await openChunk(source, zstd);
    const error = await matchOrdinals(index, source, [ACTOR]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptError);
    expect((error as CorruptError).message).toBe(`${KEY}: bitmap holds 4294967296 values, directory says ${ENTRIES}`);
  });
});
