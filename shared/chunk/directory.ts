import { ByteReader, ByteWriter } from '../codec/bytes';
import { CorruptError } from '../codec/errors';
import { MAX_ACTOR_ID } from '../event/limits';
import { DAY_MS } from '../layout/day';

/** What one parsed block-table or dictionary row costs in memory (an object of a few numbers). */
export const TABLE_ROW_BYTES = 120;

/** Largest block dictionary. */
export const MAX_DICTIONARY_BYTES = 65_536;

/** A zstd dictionary, itself zstd-compressed, in the dictionaries section; `offset` is from the start of that section. */
export interface DictionaryEntry {
  readonly offset: number;
  readonly size: number;
  readonly rawSize: number;
  readonly crc: number;
}

/** One block-table row; `offset` is from the start of the blocks region, times are ms of the day. */
export interface BlockEntry {
  readonly offset: number;
  readonly size: number;
  readonly rawSize: number;
  readonly first: number;
  readonly count: number;
  readonly minTime: number;
  readonly maxTime: number;
  /** Index of the dictionary the block was compressed with, or -1 for none. */
  readonly dictionary: number;
  readonly crc: number;
  /** Set in a re-encoded day: the block's two frames and its actor column in the index object. */
  readonly columns?: DayBlockColumns;
}

/** Where a re-encoded day's block keeps its columns (docs/format.md, Compacted day). */
export interface DayBlockColumns {
  /** The block's first frame (times and origins); its texts frame follows. */
  readonly columnsSize: number;
  readonly columnsRaw: number;
  readonly textsRaw: number;
  /** The block's actor column: a frame in the index object's actor section, from the section's start. */
  readonly actorsOffset: number;
  readonly actorsSize: number;
  readonly actorsRaw: number;
  readonly actorsCrc: number;
}

/**
 * An actor's postings: inline ordinals (few entries) or a portable bitmap in the postings section; in
 * a re-encoded day, the blocks whose actor columns name it.
 */
export type Postings =
  | { readonly kind: 'inline'; readonly ordinals: Uint32Array }
  | { readonly kind: 'bitmap'; readonly cardinality: number; readonly offset: number; readonly size: number; readonly crc: number }
  | { readonly kind: 'blocks'; readonly cardinality: number; readonly blocks: Uint32Array };

/** What readers use of a directory, whichever layout it was decoded from. */
export interface IndexDirectory {
  readonly blocks: readonly BlockEntry[];
  readonly dictionaries: readonly DictionaryEntry[];
  readonly actorIds: Uint32Array;
  readonly memoryBytes: number;
  readonly dictionariesSize: number;
  find(actor: number): number;
  postings(index: number): Postings;
  blockOf(ordinal: number): number;
}

export interface DirectoryInput {
  readonly inlineMax: number;
  readonly dictionaries: readonly Omit<DictionaryEntry, 'offset'>[];
  readonly blocks: readonly Omit<BlockEntry, 'offset' | 'first'>[];
  readonly actors: readonly { readonly id: number; readonly postings: Postings }[];
}

export function encodeDirectory(input: DirectoryInput): Uint8Array {
  const out = new ByteWriter(16 * 1024);
  out.varint(input.inlineMax);
  out.varint(input.dictionaries.length);
  for (const dictionary of input.dictionaries) {
    out.varint(dictionary.size);
    out.varint(dictionary.rawSize);
    out.u32(dictionary.crc);
  }
  out.varint(input.blocks.length);
  for (const block of input.blocks) {
    out.varint(block.size);
    out.varint(block.rawSize);
    out.varint(block.count);
    out.varint(block.minTime);
    out.varint(block.maxTime - block.minTime);
    out.varint(block.dictionary + 1);
    out.u32(block.crc);
  }
  out.varint(input.actors.length);
  let previous = -1;
  for (const { id, postings } of input.actors) {
    out.varint(id - previous - 1);
    previous = id;
    if (postings.kind === 'blocks') throw new RangeError('block postings belong to a re-encoded day (day-directory.ts)');
    if (postings.kind === 'inline') {
      out.varint(postings.ordinals.length);
      let last = -1;
      for (const ordinal of postings.ordinals) {
        out.varint(ordinal - last - 1);
        last = ordinal;
      }
    } else {
      out.varint(postings.cardinality);
      out.varint(postings.size);
      out.u32(postings.crc);
    }
  }
  return out.finish();
}

/** The parsed compact part of a chunk's index: block table and actor directory, validated. */
export class Directory implements IndexDirectory {
  private constructor(
    readonly blocks: readonly BlockEntry[],
    readonly dictionaries: readonly DictionaryEntry[],
    private readonly raw: Uint8Array,
    readonly inlineMax: number,
    readonly actorIds: Uint32Array,
    private readonly cardinality: Uint32Array,
    /** Inline: position of the ordinals in `raw`; bitmap: offset in the postings section. */
    private readonly position: Float64Array,
    private readonly bitmapSize: Uint32Array,
    private readonly bitmapCrc: Uint32Array,
  ) {}

  static decode(raw: Uint8Array, entryCount: number, postingsSize: number, blocksSize: number): Directory {
    const reader = new ByteReader(raw);
    const inlineMax = reader.varint('inline maximum', entryCount);
    const dictionaries = decodeDictionaries(reader);
    const blocks = decodeBlockTable(reader, entryCount, blocksSize, dictionaries.length);
    const actorCount = reader.varint('actor count', MAX_ACTOR_ID + 1);
    if (actorCount > reader.remaining) throw new CorruptError(`actor count ${actorCount} exceeds the ${reader.remaining} bytes left`);
    const ids = new Uint32Array(actorCount);
    const cardinality = new Uint32Array(actorCount);
    const position = new Float64Array(actorCount);
    const bitmapSize = new Uint32Array(actorCount);
    const bitmapCrc = new Uint32Array(actorCount);
    let id = -1;
    let postingsOffset = 0;
    for (let a = 0; a < actorCount; a++) {
      id += reader.varint('actor id delta', MAX_ACTOR_ID) + 1;
      if (id > MAX_ACTOR_ID) throw new CorruptError(`actor id ${id} exceeds ${MAX_ACTOR_ID}`);
      ids[a] = id;
      const card = reader.varint('actor cardinality', entryCount);
      if (card === 0) throw new CorruptError(`actor ${id} has no entries`);
      cardinality[a] = card;
      if (card <= inlineMax) {
        position[a] = reader.offset;
        let ordinal = -1;
        for (let i = 0; i < card; i++) ordinal += reader.varint('inline ordinal', entryCount) + 1;
        if (ordinal >= entryCount) throw new CorruptError(`actor ${id} names ordinal ${ordinal} of ${entryCount}`);
      } else {
        const size = reader.varint('bitmap size', postingsSize);
        position[a] = postingsOffset;
        bitmapSize[a] = size;
        bitmapCrc[a] = reader.u32('bitmap checksum');
        postingsOffset += size;
      }
    }
    if (postingsOffset !== postingsSize) throw new CorruptError(`bitmaps total ${postingsOffset} bytes, header says ${postingsSize}`);
    if (reader.remaining !== 0) throw new CorruptError(`directory has ${reader.remaining} trailing bytes`);
    return new Directory(blocks, dictionaries, raw, inlineMax, ids, cardinality, position, bitmapSize, bitmapCrc);
  }

  /** Index of `actor` in the sorted directory, or -1 when the chunk never names it. */
  find(actor: number): number {
    return findSorted(this.actorIds, actor);
  }

  postings(index: number): Postings {
    const card = this.cardinality[index] as number;
    const position = this.position[index] as number;
    if (card > this.inlineMax) {
      return {
        kind: 'bitmap',
        cardinality: card,
        offset: position,
        size: this.bitmapSize[index] as number,
        crc: this.bitmapCrc[index] as number,
      };
    }
    const reader = new ByteReader(this.raw, position);
    const ordinals = new Uint32Array(card);
    let ordinal = -1;
    for (let i = 0; i < card; i++) {
      ordinal += reader.varint('inline ordinal') + 1;
      ordinals[i] = ordinal;
    }
    return { kind: 'inline', ordinals };
  }

  /** Bytes this directory keeps in memory (its raw bytes, its per-actor arrays, its tables), for cache budgets. */
  get memoryBytes(): number {
    const arrays = [this.raw, this.actorIds, this.cardinality, this.position, this.bitmapSize, this.bitmapCrc];
    return (
      arrays.reduce((sum, array) => sum + array.buffer.byteLength, 0) + TABLE_ROW_BYTES * (this.blocks.length + this.dictionaries.length)
    );
  }

  /** Bytes of the dictionaries section. */
  get dictionariesSize(): number {
    const last = this.dictionaries[this.dictionaries.length - 1];
    return last ? last.offset + last.size : 0;
  }

  /** Block holding `ordinal` (binary search over first ordinals). */
  blockOf(ordinal: number): number {
    return blockOfOrdinal(this.blocks, ordinal);
  }
}

/** Index of `value` in ascending `sorted`, or -1. */
export function findSorted(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = sorted[mid] as number;
    if (at === value) return mid;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The block holding `ordinal` (binary search over first ordinals). */
export function blockOfOrdinal(blocks: readonly BlockEntry[], ordinal: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((blocks[mid] as BlockEntry).first <= ordinal) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function decodeDictionaries(reader: ByteReader): DictionaryEntry[] {
  const count = reader.varint('dictionary count', reader.remaining);
  const dictionaries: DictionaryEntry[] = [];
  let offset = 0;
  for (let d = 0; d < count; d++) {
    const size = reader.varint('dictionary size', 2 * MAX_DICTIONARY_BYTES);
    const rawSize = reader.varint('dictionary raw size', MAX_DICTIONARY_BYTES);
    dictionaries.push({ offset, size, rawSize, crc: reader.u32('dictionary checksum') });
    offset += size;
  }
  return dictionaries;
}

function decodeBlockTable(reader: ByteReader, entryCount: number, blocksSize: number, dictionaryCount: number): BlockEntry[] {
  const count = reader.varint('block count', entryCount);
  if (count === 0) throw new CorruptError('block table is empty');
  const blocks: BlockEntry[] = [];
  let offset = 0;
  let first = 0;
  for (let b = 0; b < count; b++) {
    const size = reader.varint('block size', blocksSize);
    const rawSize = reader.varint('block raw size', 0xffff_ffff);
    const entries = reader.varint('block entry count', entryCount);
    const minTime = reader.varint('block minimum time', DAY_MS - 1);
    const maxTime = minTime + reader.varint('block time span', DAY_MS - 1);
    const dictionary = reader.varint('block dictionary', dictionaryCount) - 1;
    const crc = reader.u32('block checksum');
    if (entries === 0) throw new CorruptError(`block ${b} holds no entries`);
    if (maxTime >= DAY_MS) throw new CorruptError(`block ${b} ends at ${maxTime} ms, past the end of its day`);
    blocks.push({ offset, size, rawSize, first, count: entries, minTime, maxTime, dictionary, crc });
    offset += size;
    first += entries;
  }
  if (first !== entryCount) throw new CorruptError(`blocks hold ${first} entries, header says ${entryCount}`);
  if (offset !== blocksSize) throw new CorruptError(`blocks total ${offset} bytes, header says ${blocksSize}`);
  return blocks;
}
