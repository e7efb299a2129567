import { ByteReader, ByteWriter } from '../codec/bytes';
import { CorruptError } from '../codec/errors';
import { MAX_ACTOR_ID } from '../event/limits';
import { DAY_MS } from '../layout/day';
import {
  type BlockEntry,
  blockOfOrdinal,
  type DayBlockColumns,
  type DictionaryEntry,
  decodeDictionaries,
  findSorted,
  type IndexDirectory,
  type Postings,
  TABLE_ROW_BYTES,
} from './directory';

/** A re-encoded block as the directory lists it (offsets and first ordinals are running sums). */
export interface DayBlockInput {
  readonly size: number;
  readonly count: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly crc: number;
  readonly columns: Omit<DayBlockColumns, 'actorsOffset'>;
}

export interface DayDirectoryInput {
  readonly dictionaries: readonly Omit<DictionaryEntry, 'offset'>[];
  readonly sourceCount: number;
  readonly blocks: readonly DayBlockInput[];
  /** Ascending ids; `blocks` ascending block numbers. */
  readonly actors: readonly { readonly id: number; readonly cardinality: number; readonly blocks: readonly number[] }[];
  /** Directory indexes of the actors by rank (most entries first): how actor columns name actors. */
  readonly ranks: readonly number[];
}

/** Encodes the directory of a re-encoded day (format version 2; docs/format.md). */
export function encodeDayDirectory(input: DayDirectoryInput): Uint8Array {
  const out = new ByteWriter(64 * 1024);
  out.varint(input.dictionaries.length);
  for (const dictionary of input.dictionaries) {
    out.varint(dictionary.size);
    out.varint(dictionary.rawSize);
    out.u32(dictionary.crc);
  }
  out.varint(input.sourceCount);
  out.varint(input.blocks.length);
  for (const block of input.blocks) {
    const { columns } = block;
    out.varint(block.size);
    out.varint(columns.columnsSize);
    out.varint(columns.columnsRaw);
    out.varint(columns.textsRaw);
    out.varint(block.count);
    out.varint(block.minTime);
    out.varint(block.maxTime - block.minTime);
    out.u32(block.crc);
    out.varint(columns.actorsSize);
    out.varint(columns.actorsRaw);
    out.u32(columns.actorsCrc);
  }
  out.varint(input.actors.length);
  let previous = -1;
  for (const actor of input.actors) {
    out.varint(actor.id - previous - 1);
    previous = actor.id;
    out.varint(actor.cardinality);
    out.varint(actor.blocks.length);
    let last = -1;
    for (const block of actor.blocks) {
      out.varint(block - last - 1);
      last = block;
    }
  }
  for (const index of input.ranks) out.varint(index);
  return out.finish();
}

/** Largest raw frame of a re-encoded block (its columns, texts or actors): 16 MiB, far above any block the compactor writes. */
export const MAX_DAY_FRAME_BYTES = 16 * 1024 * 1024;

/** The parsed directory of a re-encoded day: block table, actors with the blocks naming them, rank table. */
export class DayDirectory implements IndexDirectory {
  private constructor(
    readonly blocks: readonly BlockEntry[],
    readonly dictionaries: readonly DictionaryEntry[],
    readonly sourceCount: number,
    readonly actorIds: Uint32Array,
    private readonly cardinality: Uint32Array,
    /** Each actor's block numbers, all actors' one after another; actor a's start at blockStart[a]. */
    private readonly blockLists: Uint32Array,
    private readonly blockStart: Uint32Array,
    /** Actor id of each rank. */
    readonly rankIds: Uint32Array,
  ) {}

  /** Validates every count, size and order against the header's entry count and section sizes. */
  static decode(raw: Uint8Array, entryCount: number, actorsSize: number, blocksSize: number): DayDirectory {
    const reader = new ByteReader(raw);
    const dictionaries = decodeDictionaries(reader);
    if (dictionaries.length > 1)
      throw new CorruptError(`a re-encoded day has at most one dictionary, this one names ${dictionaries.length}`);
    const sourceCount = reader.varint('source count', 0xffff_ffff);
    if (sourceCount === 0) throw new CorruptError('a re-encoded day names no source');
    const blocks = decodeBlocks(reader, entryCount, actorsSize, blocksSize, dictionaries.length);
    const actorCount = reader.varint('actor count', MAX_ACTOR_ID + 1);
    if (actorCount === 0 || actorCount > reader.remaining)
      throw new CorruptError(`actor count ${actorCount} is 0 or exceeds the ${reader.remaining} bytes left`);
    const ids = new Uint32Array(actorCount);
    const cardinality = new Uint32Array(actorCount);
    const blockStart = new Uint32Array(actorCount + 1);
    const lists: number[] = [];
    let id = -1;
    for (let a = 0; a < actorCount; a++) {
      id += reader.varint('actor id delta', MAX_ACTOR_ID) + 1;
      if (id > MAX_ACTOR_ID) throw new CorruptError(`actor id ${id} exceeds ${MAX_ACTOR_ID}`);
      ids[a] = id;
      const card = reader.varint('actor cardinality', entryCount);
      const count = reader.varint('actor block count', blocks.length);
      if (card === 0 || count === 0 || count > card) throw new CorruptError(`actor ${id} has ${card} entries in ${count} blocks`);
      cardinality[a] = card;
      let block = -1;
      for (let i = 0; i < count; i++) {
        block += reader.varint('actor block delta', blocks.length) + 1;
        if (block >= blocks.length) throw new CorruptError(`actor ${id} names block ${block} of ${blocks.length}`);
        lists.push(block);
      }
      blockStart[a + 1] = lists.length;
    }
    const rankIds = new Uint32Array(actorCount);
    const seen = new Uint8Array(actorCount);
    for (let r = 0; r < actorCount; r++) {
      const index = reader.varint('rank', actorCount - 1);
      if (seen[index]) throw new CorruptError(`rank table names actor ${ids[index]} twice`);
      seen[index] = 1;
      rankIds[r] = ids[index] as number;
    }
    if (reader.remaining !== 0) throw new CorruptError(`directory has ${reader.remaining} trailing bytes`);
    return new DayDirectory(blocks, dictionaries, sourceCount, ids, cardinality, Uint32Array.from(lists), blockStart, rankIds);
  }

  find(actor: number): number {
    return findSorted(this.actorIds, actor);
  }

  postings(index: number): Postings {
    const blocks = this.blockLists.subarray(this.blockStart[index], this.blockStart[index + 1]);
    return { kind: 'blocks', cardinality: this.cardinality[index] as number, blocks };
  }

  blockOf(ordinal: number): number {
    return blockOfOrdinal(this.blocks, ordinal);
  }

  get memoryBytes(): number {
    const arrays = [this.actorIds, this.cardinality, this.blockLists, this.blockStart, this.rankIds];
    return (
      arrays.reduce((sum, array) => sum + array.buffer.byteLength, 0) + TABLE_ROW_BYTES * (this.blocks.length + this.dictionaries.length)
    );
  }

  get dictionariesSize(): number {
    const last = this.dictionaries[this.dictionaries.length - 1];
    return last ? last.offset + last.size : 0;
  }
}

function decodeBlocks(reader: ByteReader, entryCount: number, actorsSize: number, blocksSize: number, dictionaries: number): BlockEntry[] {
  const count = reader.varint('block count', entryCount);
  if (count === 0) throw new CorruptError('block table is empty');
  const blocks: BlockEntry[] = [];
  let offset = 0;
  let first = 0;
  let actorsOffset = 0;
  for (let b = 0; b < count; b++) {
    const size = reader.varint('block size', blocksSize);
    const columnsSize = reader.varint('block columns size', size);
    const columnsRaw = reader.varint('block columns raw size', MAX_DAY_FRAME_BYTES);
    const textsRaw = reader.varint('block texts raw size', MAX_DAY_FRAME_BYTES);
    const entries = reader.varint('block entry count', entryCount);
    const minTime = reader.varint('block minimum time', DAY_MS - 1);
    const maxTime = minTime + reader.varint('block time span', DAY_MS - 1);
    const crc = reader.u32('block checksum');
    const actorsFrame = reader.varint('block actors size', actorsSize);
    const actorsRaw = reader.varint('block actors raw size', MAX_DAY_FRAME_BYTES);
    const actorsCrc = reader.u32('block actors checksum');
    if (entries === 0) throw new CorruptError(`block ${b} holds no entries`);
    if (maxTime >= DAY_MS) throw new CorruptError(`block ${b} ends at ${maxTime} ms, past the end of its day`);
    if (columnsSize === size) throw new CorruptError(`block ${b} has no texts frame`);
    const previous = blocks[b - 1];
    if (previous && minTime < previous.maxTime) throw new CorruptError(`block ${b} starts at ${minTime} ms, before block ${b - 1} ends`);
    const columns = { columnsSize, columnsRaw, textsRaw, actorsOffset, actorsSize: actorsFrame, actorsRaw, actorsCrc };
    blocks.push({
      offset,
      size,
      rawSize: columnsRaw + textsRaw,
      first,
      count: entries,
      minTime,
      maxTime,
      dictionary: dictionaries - 1,
      crc,
      columns,
    });
    offset += size;
    first += entries;
    actorsOffset += actorsFrame;
  }
  if (first !== entryCount) throw new CorruptError(`blocks hold ${first} entries, header says ${entryCount}`);
  if (offset !== blocksSize) throw new CorruptError(`blocks total ${offset} bytes, header says ${blocksSize}`);
  if (actorsOffset !== actorsSize) throw new CorruptError(`actor columns total ${actorsOffset} bytes, header says ${actorsSize}`);
  return blocks;
}
