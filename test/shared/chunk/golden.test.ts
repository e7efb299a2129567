import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChunk } from '../../../shared/chunk/builder';
import { openChunk, readEntries } from '../../../shared/chunk/reader';
import { memorySource } from '../../../shared/chunk/source';
import { OrdinalSet } from '../../../shared/codec/ordinal-set';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { loadPortableZstd } from '../../../shared/codec/zstd-portable';
import { dayNumber } from '../../../shared/layout/day';
import { GOLDEN_DAY_START, GOLDEN_EVENTS, GOLDEN_FILE, GOLDEN_OPTIONS } from '../../fixtures/chunk/golden-events';
import { drain, expectedEntries, queryChunk } from '../../support/chunk-reads';

const folder = new URL('../../fixtures/chunk/', import.meta.url);
const golden = new Uint8Array(readFileSync(new URL(GOLDEN_FILE, folder)));
const REGENERATE = 'the chunk bytes changed: if the format change is deliberate, run `npx tsx test/fixtures/chunk/generate.ts` and commit';

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

describe(`golden chunk ${GOLDEN_FILE}`, () => {
  const expected = expectedEntries(GOLDEN_EVENTS);
  const source = memorySource(GOLDEN_FILE, golden);

  it('holds the documented day, entries, blocks, dictionary and postings kinds', async () => {
    const index = await openChunk(source, zstd);
    expect(index.header.day).toBe(dayNumber(GOLDEN_DAY_START));
    expect(index.entryCount).toBe(GOLDEN_EVENTS.length);
    expect(index.blocks.length).toBeGreaterThanOrEqual(3);
    expect(index.directory.dictionaries).toHaveLength(1);
    const kinds = Object.fromEntries(Array.from(index.directory.actorIds, (actor) => [actor, index.postings(actor)?.kind]));
    expect(kinds).toEqual({
      0: 'bitmap',
      1: 'bitmap',
      2: 'bitmap',
      3: 'bitmap',
      7: 'inline',
      100: 'bitmap',
      200: 'bitmap',
      300: 'inline',
      4294967295: 'inline',
    });
    expect(index.objectSize).toBe(golden.length);
  });

  it('gives back every documented event, in (time, arrival) order', async () => {
    const index = await openChunk(source, zstd);
    const all = OrdinalSet.of(Uint32Array.from(expected, (_, i) => i));
    expect(await drain(readEntries(index, source, all, zstd))).toEqual(expected);
    expect(expected[0]?.text).toBe('midnight maintenance window opened (arrives last, sorts first)');
  });

  it('gives back each actor’s events and the AND of a party', async () => {
    const index = await openChunk(source, zstd);
    for (const actors of [[0], [1], [2], [3], [7], [100], [200], [300], [4_294_967_295], [1, 2, 3], [1, 100], [2, 7], [300, 3]]) {
      const want = expected.filter((entry) => actors.every((actor) => entry.actors.includes(actor)));
      expect(want.length).toBeGreaterThan(0);
      expect(await queryChunk(index, source, zstd, actors)).toEqual(want);
    }
    const party = await queryChunk(index, source, zstd, [1, 2, 3, 100]);
    expect(party.map((entry) => [entry.ordinal, entry.text])).toEqual([
      [12, 'The party defeated the dragon after a five minute fight; each member gains 1200 experience points'],
    ]);
  });

  it('gives back every event through the portable zstd too (its frames are plain zstd)', async () => {
    const portable = await loadPortableZstd();
    const index = await openChunk(source, portable);
    const all = OrdinalSet.of(Uint32Array.from(expected, (_, i) => i));
    expect(await drain(readEntries(index, source, all, portable))).toEqual(expected);
  });

  it('is what building the documented events gives today, byte for byte', () => {
    const rebuilt = buildChunk(GOLDEN_EVENTS, zstd, GOLDEN_OPTIONS).bytes;
    expect(Buffer.from(rebuilt).equals(Buffer.from(golden)), REGENERATE).toBe(true);
  });

  it('is the file its README describes', () => {
    const readme = readFileSync(new URL('README.md', folder), 'utf8');
    const sha256 = createHash('sha256').update(golden).digest('hex');
    expect(readme, 'README.md is stale: regenerate both files together').toContain(`${golden.length} bytes, SHA-256 \`${sha256}\``);
  });
});
