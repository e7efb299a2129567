import { describe, expect, it } from 'vitest';
import { buildChunk } from '../../../shared/chunk/builder';
import { openChunk } from '../../../shared/chunk/reader';
import { memorySource } from '../../../shared/chunk/source';
import { CorruptError } from '../../../shared/codec/errors';
import { loadZstd } from '../../../shared/codec/zstd';
import { DAY_MS } from '../../../shared/layout/day';
import { checkChunk } from '../../../shared/manifest/check-chunk';
import type { ChunkRecord } from '../../../shared/manifest/manifest';

const KEY = 'day=2026-07-01/writers/w/chunk-1';
const DAY = 20_635;

async function opened() {
  const zstd = await loadZstd();
  const built = buildChunk(
    [
      { time: DAY * DAY_MS + 5, actors: [1, 2], text: 'a' },
      { time: DAY * DAY_MS + 9, actors: [2], text: 'b' },
    ],
    zstd,
  );
  const index = await openChunk(memorySource(KEY, built.bytes), zstd, built.headSize);
  const record: ChunkRecord = {
    seq: 1,
    entries: built.entryCount,
    minTime: built.minTime,
    maxTime: built.maxTime,
    headSize: built.headSize,
    indexSize: built.indexSize,
    size: built.bytes.length,
    etag: '"e"',
    watermark: '1',
  };
  return { index, record };
}

describe('checkChunk', () => {
  it('accepts a chunk that matches its manifest entry and day', async () => {
    const { index, record } = await opened();
    expect(() => checkChunk(index, KEY, record, DAY)).not.toThrow();
  });

  it.each([
    ['entries', { entries: 3 }],
    ['minTime', { minTime: DAY * DAY_MS + 4 }],
    ['maxTime', { maxTime: DAY * DAY_MS + 10 }],
    ['indexSize', { indexSize: 1 }],
    ['size', { size: 1 }],
  ] as const)('rejects a chunk whose %s differs with a CorruptError naming the key and the fact', async (name, change) => {
    const { index, record } = await opened();
    const check = () => checkChunk(index, KEY, { ...record, ...change }, DAY);
    expect(check).toThrow(CorruptError);
    expect(check).toThrow(new RegExp(`^${KEY}: chunk ${name} is \\d+, its manifest says \\d+$`));
  });

  it("rejects a chunk of another day than its manifest's", async () => {
    const { index, record } = await opened();
    expect(() => checkChunk(index, KEY, record, DAY + 1)).toThrow(`${KEY}: chunk day is ${DAY}, its manifest says ${DAY + 1}`);
  });
});
