import { describe, expect, it } from 'vitest';
import { buildChunk } from '../../../shared/chunk/builder';
import { openChunk, readEntries } from '../../../shared/chunk/reader';
import { type ByteSource, memorySource } from '../../../shared/chunk/source';
import { OrdinalSet } from '../../../shared/codec/ordinal-set';
import { loadZstd } from '../../../shared/codec/zstd';

const T0 = Date.UTC(2026, 6, 1);

describe('readEntries firstWave', () => {
  it('reads that many blocks in the first wave, then doubles; the entries are the same', async () => {
    const zstd = await loadZstd();
    const events = Array.from({ length: 600 }, (_, i) => ({ time: T0 + i, actors: [1], text: `event ${i} with some text to fill blocks` }));
    const built = buildChunk(events, zstd, { blockSize: 1024 });
    const memory = memorySource('k', built.bytes);
    // The head read covers the dictionary, so every later read is a block.
    const index = await openChunk(memory, zstd, built.headSize);
    expect(index.blocks.length).toBeGreaterThan(12);
    const all = OrdinalSet.of(Uint32Array.from({ length: 600 }, (_, i) => i));

    async function waves(firstWave: number | undefined) {
      const reads: number[] = [];
      const source: ByteSource = {
        key: 'k',
        read: (offset, length) => {
          reads.push(offset);
          return memory.read(offset, length);
        },
      };
      const entries = [];
      // maxGap -1 keeps every block its own read, so reads count blocks; they are grouped by wave below.
      for await (const entry of readEntries(index, source, all, zstd, {
        maxGap: -1,
        concurrency: 64,
        ...(firstWave ? { firstWave } : {}),
      })) {
        entries.push(entry.ordinal);
        if (entries.length === 1) reads.push(-1);
      }
      return { entries, firstWaveReads: reads.indexOf(-1) };
    }

    const grown = await waves(undefined);
    const wide = await waves(5);
    expect(grown.firstWaveReads).toBe(1);
    expect(wide.firstWaveReads).toBe(5);
    expect(wide.entries).toEqual(grown.entries);
    expect(wide.entries).toEqual([...all.values(0, 600)]);
  });
});
