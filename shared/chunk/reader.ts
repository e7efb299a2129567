import { concatBytes } from '../codec/bytes';
import { verifyCrc32 } from '../codec/checksum';
import { TruncatedError, withKey } from '../codec/errors';
import { andOrdinals, checkOrdinalBitmap } from '../codec/roaring';
import type { BlockCompressor } from '../codec/zstd';
import type { TalesEvent } from '../event/types';
import { mapLimit } from '../util/map-limit';
import { coalesce } from '../util/ranges';
import { BlockRows } from './block';
import { ChunkIndex, directoryEnd } from './chunk-index';
import type { BlockEntry } from './directory';
import { decodeHeader, HEADER_BYTES } from './header';
import type { ByteSource } from './source';

/** An event read from a chunk, with its ordinal: the tie-breaker of the deterministic order. */
export interface ChunkEntry extends TalesEvent {
  readonly ordinal: number;
}

export interface ReadOptions {
  /** Inclusive time bounds, epoch ms. @default - the whole chunk */
  readonly from?: number;
  readonly to?: number;
  /** Newest first. @default false */
  readonly descending?: boolean;
  /** Where the blocks live when not right after the index in the chunk object (a compacted day's data object). */
  readonly blocksAt?: { readonly source: ByteSource; readonly offset: number };
  /** Neighbouring blocks closer than this many bytes are read in one request. @default 65536 */
  readonly maxGap?: number;
  /** Block reads in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Blocks read in the first wave, when the caller knows how many its page needs; later waves double from it. @default 1 */
  readonly firstWave?: number;
}

/**
 * Reads a chunk's head: one ranged GET when its size is known (from the manifest), else two
 * (the header, then the directory; dictionaries then load when a block needs them).
 */
export async function openChunk(source: ByteSource, zstd: BlockCompressor, knownHeadSize?: number): Promise<ChunkIndex> {
  let head = await source.read(0, knownHeadSize ?? HEADER_BYTES);
  if (knownHeadSize === undefined) {
    const header = withKey(source.key, () => decodeHeader(head));
    const rest = await source.read(HEADER_BYTES, directoryEnd(header) - HEADER_BYTES);
    head = concatBytes([head, rest]);
  }
  return ChunkIndex.parse(source.key, head, zstd);
}

/**
 * Ordinals of the entries naming every actor in `actors` (AND), ascending. An actor absent from the
 * directory ends it without reading anything; otherwise the needed bitmaps are fetched in one ranged read.
 */
export async function matchOrdinals(index: ChunkIndex, source: ByteSource, actors: readonly number[]): Promise<Uint32Array> {
  const postings = [];
  for (const actor of new Set(actors)) {
    const found = index.postings(actor);
    if (!found) return new Uint32Array(0);
    postings.push(found);
  }
  const lists = postings.flatMap((p) => (p.kind === 'inline' ? [p.ordinals] : []));
  const wanted = postings.flatMap((p) => (p.kind === 'bitmap' ? [p] : [])).sort((a, b) => a.offset - b.offset);
  let bitmaps: Uint8Array[] = [];
  const firstBitmap = wanted[0];
  const lastBitmap = wanted[wanted.length - 1];
  if (firstBitmap && lastBitmap) {
    const base = index.postingsOffset + firstBitmap.offset;
    const span = lastBitmap.offset + lastBitmap.size - firstBitmap.offset;
    const bytes = await readExactly(source, base, span, 'bitmaps');
    bitmaps = withKey(source.key, () =>
      wanted.map((p) => {
        const bitmap = bytes.subarray(p.offset - firstBitmap.offset, p.offset - firstBitmap.offset + p.size);
        verifyCrc32(bitmap, p.crc, 'bitmap');
        checkOrdinalBitmap(bitmap, p.cardinality, index.entryCount);
        return bitmap;
      }),
    );
  }
  return andOrdinals(bitmaps, lists);
}

/**
 * Yields the entries at `ordinals` (ascending) within the time bounds, in time order (or reversed),
 * reading only the blocks that hold them, in waves that grow so a short page reads few blocks.
 */
export async function* readEntries(
  index: ChunkIndex,
  source: ByteSource,
  ordinals: Uint32Array,
  zstd: BlockCompressor,
  options: ReadOptions = {},
): AsyncGenerator<ChunkEntry> {
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const wanted = blocksFor(index, ordinals, from, to);
  if (options.descending) wanted.reverse();
  const blocks = options.blocksAt ?? { source, offset: index.indexSize };
  let wave = Math.max(1, options.firstWave ?? 1);
  const maxWave = Math.max(16, wave);
  for (let at = 0; at < wanted.length; at += wave, wave = Math.min(wave * 2, maxWave)) {
    const batch = wanted.slice(at, at + wave);
    const rows = await readBlocks(index, source, blocks, zstd, batch, options);
    for (const { block, ordinals: inBlock } of batch) {
      const decoded = rows.get(block) as BlockRows;
      const entry = index.blocks[block] as BlockEntry;
      const order = options.descending ? [...inBlock].reverse() : inBlock;
      for (const ordinal of order) {
        const time = decoded.times[ordinal - entry.first] as number;
        if (time >= from && time <= to) yield withKey(blocks.source.key, () => decoded.row(ordinal - entry.first, ordinal));
      }
    }
  }
}

interface BlockWant {
  readonly block: number;
  readonly ordinals: number[];
}

function blocksFor(index: ChunkIndex, ordinals: Uint32Array, from: number, to: number): BlockWant[] {
  const wanted: BlockWant[] = [];
  for (const ordinal of ordinals) {
    const block = index.directory.blockOf(ordinal);
    const last = wanted[wanted.length - 1];
    if (last && last.block === block) last.ordinals.push(ordinal);
    else wanted.push({ block, ordinals: [ordinal] });
  }
  return wanted.filter(({ block }) => {
    const entry = index.blocks[block] as BlockEntry;
    return index.dayStart + entry.maxTime >= from && index.dayStart + entry.minTime <= to;
  });
}

async function readBlocks(
  index: ChunkIndex,
  indexSource: ByteSource,
  blocks: { readonly source: ByteSource; readonly offset: number },
  zstd: BlockCompressor,
  batch: readonly BlockWant[],
  options: ReadOptions,
): Promise<Map<number, BlockRows>> {
  const parts = batch
    .map(({ block }) => ({
      offset: (index.blocks[block] as BlockEntry).offset,
      length: (index.blocks[block] as BlockEntry).size,
      item: block,
    }))
    .sort((a, b) => a.offset - b.offset);
  const ranges = coalesce(parts, options.maxGap ?? 65_536);
  const rows = new Map<number, BlockRows>();
  await mapLimit(ranges, options.concurrency ?? 4, async (range) => {
    const bytes = await readExactly(blocks.source, blocks.offset + range.offset, range.length, 'blocks');
    const dictionaries = await Promise.all(
      range.items.map((block) => {
        const { dictionary } = index.blocks[block] as BlockEntry;
        return dictionary < 0 ? undefined : index.dictionary(dictionary, indexSource);
      }),
    );
    withKey(blocks.source.key, () => {
      range.items.forEach((block, i) => {
        const entry = index.blocks[block] as BlockEntry;
        const compressed = bytes.subarray(entry.offset - range.offset, entry.offset - range.offset + entry.size);
        verifyCrc32(compressed, entry.crc, `block ${block}`);
        const raw = zstd.decompress(compressed, entry.rawSize, dictionaries[i]);
        rows.set(block, BlockRows.decode(raw, entry.count, index.dayStart + entry.minTime, index.dayStart + entry.maxTime));
      });
    });
  });
  return rows;
}

async function readExactly(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    throw new TruncatedError(`${what} at ${offset} need ${length} bytes, the object gave ${bytes.length}`, source.key);
  }
  return bytes;
}
