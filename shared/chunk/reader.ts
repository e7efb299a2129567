import { concatBytes } from '../codec/bytes';
import { verifyCrc32 } from '../codec/checksum';
import { TruncatedError, withKey } from '../codec/errors';
import { intersect, OrdinalSet } from '../codec/ordinal-set';
import { checkOrdinalBitmap } from '../codec/roaring';
import type { BlockCompressor } from '../codec/zstd';
import type { TalesEvent } from '../event/types';
import type { CacheShelf } from '../util/byte-cache';
import { mapLimit } from '../util/map-limit';
import { coalesce } from '../util/ranges';
import { BlockRows } from './block';
import { ChunkIndex, directoryEnd } from './chunk-index';
import { decodeDayBlockAt, matchDayOrdinals } from './day-read';
import type { BlockEntry } from './directory';
import { decodeHeader, HEADER_BYTES } from './header';
import type { ByteSource } from './source';

/** An event read from a chunk, with its ordinal: the tie-breaker of the deterministic order. */
export interface ChunkEntry extends TalesEvent {
  readonly ordinal: number;
  /** In a re-encoded day: the entry's source chunk (its number in the day's metadata) and its ordinal there. */
  readonly origin?: { readonly source: number; readonly ordinal: number };
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
  /** @default - none: every block is read when its wave needs it */
  readonly blockCache?: BlockCache;
}

/**
 * Where a reader keeps blocks between waves, pages and queries, by `key` (naming the chunk) and block
 * number. Every block decoded stays decoded (for the next page, or the next query: a warm query
 * decompresses nothing it decoded before) and compressed (cheaper to keep, read again without a
 * request once the decoded one is evicted), each as long as its shelf's budget allows. Each read also
 * takes along up to `readAhead` bytes of the blocks wanted next.
 */
export interface BlockCache {
  readonly rows: CacheShelf<BlockRows>;
  readonly bytes: CacheShelf<Uint8Array>;
  readonly key: string;
  readonly readAhead: number;
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
 * Ordinals of the entries naming every actor in `actors` (AND), ascending, read by window (see
 * OrdinalSet). An actor absent from the directory ends it without reading anything; otherwise the
 * needed bitmaps are fetched in one ranged read.
 */
export async function matchOrdinals(index: ChunkIndex, source: ByteSource, actors: readonly number[]): Promise<OrdinalSet> {
  if (index.day) return OrdinalSet.of(await matchDayOrdinals(index, index.day, source, actors));
  const postings = [];
  for (const actor of new Set(actors)) {
    const found = index.postings(actor);
    if (!found || found.kind === 'blocks') return OrdinalSet.empty();
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
  return intersect(bitmaps, lists);
}

/**
 * Yields the entries at `ordinals` within the time bounds, in time order (or reversed), reading only
 * the blocks that hold them, in waves that grow so a short page reads few blocks. A block's ordinals
 * are materialised only when its wave is read.
 */
export async function* readEntries(
  index: ChunkIndex,
  source: ByteSource,
  ordinals: OrdinalSet,
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
  const cache = options.blockCache;
  for (let at = 0; at < wanted.length; at += wave, wave = Math.min(wave * 2, maxWave)) {
    const batch = wanted.slice(at, at + wave);
    const rows = new Map<number, BlockRows>();
    const compressed = new Map<number, Uint8Array>();
    for (const { block } of batch) {
      const decoded = cache?.rows.get(`${cache.key}/${block}`);
      const bytes = decoded ? undefined : cache?.bytes.get(`${cache.key}/${block}`);
      if (decoded) rows.set(block, decoded);
      else if (bytes) compressed.set(block, bytes);
    }
    const missing = batch.filter(({ block }) => !rows.has(block) && !compressed.has(block)).map(({ block }) => block);
    const ahead = missing.length > 0 && cache ? readAhead(index, wanted.slice(at + wave), cache, options.maxGap ?? 65_536) : [];
    const fetched = await fetchBlocks(index, blocks, [...missing, ...ahead], options);
    // Compressed blocks stay cached (chunks are immutable): a warm query decodes them again but reads nothing.
    for (const [block, bytes] of fetched) cache?.bytes.set(`${cache.key}/${block}`, bytes);
    for (const block of missing) compressed.set(block, fetched.get(block) as Uint8Array);
    for (const [block, bytes] of compressed) {
      const decoded = await decodeBlock(index, source, blocks.source.key, block, bytes, zstd);
      rows.set(block, decoded);
      cache?.rows.set(`${cache.key}/${block}`, decoded);
    }
    for (const { block } of batch) {
      const decoded = rows.get(block) as BlockRows;
      const entry = index.blocks[block] as BlockEntry;
      const inBlock = ordinals.values(entry.first, entry.first + entry.count);
      const count = inBlock.length;
      for (let i = 0; i < count; i++) {
        const ordinal = inBlock[options.descending ? count - 1 - i : i] as number;
        const time = decoded.times[ordinal - entry.first] as number;
        if (time >= from && time <= to) yield withKey(blocks.source.key, () => decoded.row(ordinal - entry.first, ordinal));
      }
    }
  }
}

/**
 * The wanted blocks after the current wave that one read can take along for little more than its
 * own cost: in the reading order, not cached, each within `maxGap` of the one before, up to the
 * cache's read-ahead bytes. Their compressed bytes wait in the cache for a later wave or page.
 */
function readAhead(index: ChunkIndex, later: readonly BlockWant[], cache: BlockCache, maxGap: number): number[] {
  const ahead: number[] = [];
  let bytes = 0;
  let previous: BlockEntry | undefined;
  for (const { block } of later) {
    const entry = index.blocks[block] as BlockEntry;
    const gap = previous ? Math.max(entry.offset - (previous.offset + previous.size), previous.offset - (entry.offset + entry.size)) : 0;
    if (gap > maxGap || bytes + entry.size > cache.readAhead) break;
    previous = entry;
    if (cache.rows.get(`${cache.key}/${block}`) || cache.bytes.get(`${cache.key}/${block}`)) continue;
    ahead.push(block);
    bytes += entry.size;
  }
  return ahead;
}

interface BlockWant {
  readonly block: number;
}

/** The blocks holding some of `ordinals` and overlapping the time bounds, ascending. */
function blocksFor(index: ChunkIndex, ordinals: OrdinalSet, from: number, to: number): BlockWant[] {
  return matchingBlocks(index, ordinals)
    .filter(({ block }) => {
      const entry = index.blocks[block] as BlockEntry;
      return index.dayStart + entry.maxTime >= from && index.dayStart + entry.minTime <= to;
    })
    .map(({ block }) => ({ block }));
}

/**
 * The blocks holding some of `ordinals`, ascending, with how many each holds: counted block by block
 * over the blocks the set's range spans, or from the ordinals themselves when they are fewer.
 */
export function matchingBlocks(index: ChunkIndex, ordinals: OrdinalSet): { readonly block: number; readonly count: number }[] {
  const out: { block: number; count: number }[] = [];
  if (ordinals.size === 0) return out;
  const { directory } = index;
  const firstBlock = directory.blockOf(Math.max(0, ordinals.lo));
  const lastBlock = directory.blockOf(Math.min(index.entryCount, ordinals.hi) - 1);
  if (ordinals.size < lastBlock - firstBlock + 1) {
    for (const ordinal of ordinals.values(ordinals.lo, ordinals.hi)) {
      const block = directory.blockOf(ordinal);
      const last = out[out.length - 1];
      if (last && last.block === block) last.count++;
      else out.push({ block, count: 1 });
    }
    return out;
  }
  for (let block = firstBlock; block <= lastBlock; block++) {
    const entry = index.blocks[block] as BlockEntry;
    const count = ordinals.count(entry.first, entry.first + entry.count);
    if (count > 0) out.push({ block, count });
  }
  return out;
}

/** The compressed bytes of `wanted` blocks, checksums verified: neighbours closer than maxGap in one ranged GET. */
async function fetchBlocks(
  index: ChunkIndex,
  blocks: { readonly source: ByteSource; readonly offset: number },
  wanted: readonly number[],
  options: ReadOptions,
): Promise<Map<number, Uint8Array>> {
  const parts = wanted
    .map((block) => ({ offset: (index.blocks[block] as BlockEntry).offset, length: (index.blocks[block] as BlockEntry).size, item: block }))
    .sort((a, b) => a.offset - b.offset);
  const ranges = coalesce(parts, options.maxGap ?? 65_536);
  const fetched = new Map<number, Uint8Array>();
  await mapLimit(ranges, options.concurrency ?? 4, async (range) => {
    const bytes = await readExactly(blocks.source, blocks.offset + range.offset, range.length, 'blocks');
    withKey(blocks.source.key, () => {
      for (const block of range.items) {
        const entry = index.blocks[block] as BlockEntry;
        // A copy when the range holds more than this block, so that a cached block keeps only its own bytes.
        const at = entry.offset - range.offset;
        const compressed = range.items.length > 1 ? bytes.slice(at, at + entry.size) : bytes.subarray(at, at + entry.size);
        verifyCrc32(compressed, entry.crc, `block ${block}`);
        fetched.set(block, compressed);
      }
    });
  });
  return fetched;
}

async function decodeBlock(
  index: ChunkIndex,
  indexSource: ByteSource,
  key: string,
  block: number,
  compressed: Uint8Array,
  zstd: BlockCompressor,
): Promise<BlockRows> {
  if (index.day) return decodeDayBlockAt(index, index.day, indexSource, key, block, compressed, zstd);
  const entry = index.blocks[block] as BlockEntry;
  const dictionary = entry.dictionary < 0 ? undefined : await index.dictionary(entry.dictionary, indexSource);
  return withKey(key, () => {
    const raw = zstd.decompress(compressed, entry.rawSize, dictionary);
    return BlockRows.decode(raw, entry.count, index.dayStart + entry.minTime, index.dayStart + entry.maxTime);
  });
}

async function readExactly(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) {
    throw new TruncatedError(`${what} at ${offset} need ${length} bytes, the object gave ${bytes.length}`, source.key);
  }
  return bytes;
}
