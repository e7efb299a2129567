import { verifyCrc32 } from '../codec/checksum';
import { TruncatedError, withKey } from '../codec/errors';
import { decompressFramed } from '../codec/framed';
import type { BlockCompressor } from '../codec/zstd';
import { DAY_MS } from '../layout/day';
import { DayDirectory } from './day-directory';
import { type BlockEntry, type DictionaryEntry, Directory, type IndexDirectory, type Postings } from './directory';
import { type ChunkHeader, DAY_INDEX_VERSION, decodeHeader, HEADER_BYTES } from './header';
import type { ByteSource } from './source';

/**
 * What a query needs to know about a chunk, from one read of its head (header + directory, and
 * the dictionaries when the read covered them). Immutable but for the dictionaries it loads.
 */
export class ChunkIndex {
  readonly dayStart: number;
  readonly minTime: number;
  readonly maxTime: number;
  private readonly dictionaries: (Uint8Array | undefined)[];
  /** A re-encoded day's actor columns read so far, by block (still compressed: decoded with the block). */
  private readonly actorColumns = new Map<number, Uint8Array>();

  private constructor(
    readonly key: string,
    readonly header: ChunkHeader,
    readonly directory: IndexDirectory,
    head: Uint8Array,
    /** The codec the index was opened with: its dictionaries and actor columns decompress with it. */
    readonly zstd: BlockCompressor,
  ) {
    this.dayStart = header.day * DAY_MS;
    this.minTime = this.dayStart + directory.blocks.reduce((min, block) => Math.min(min, block.minTime), DAY_MS);
    this.maxTime = this.dayStart + directory.blocks.reduce((max, block) => Math.max(max, block.maxTime), 0);
    this.dictionaries = directory.dictionaries.map((entry) => {
      const start = this.dictionariesOffset + entry.offset;
      return head.length >= start + entry.size ? unpackDictionary(head.subarray(start, start + entry.size), entry, zstd) : undefined;
    });
  }

  /** Parses the head of a chunk: at least header + directory, from offset 0. */
  static parse(key: string, head: Uint8Array, zstd: BlockCompressor): ChunkIndex {
    return withKey(key, () => {
      const header = decodeHeader(head);
      const end = HEADER_BYTES + header.directorySize;
      if (head.length < end) throw new TruncatedError(`chunk head needs ${end} bytes, got ${head.length}`);
      const compressed = head.subarray(HEADER_BYTES, end);
      verifyCrc32(compressed, header.directoryCrc, 'directory');
      const raw = decompressFramed(zstd, compressed, header.directoryRawSize);
      const directory =
        header.version === DAY_INDEX_VERSION
          ? DayDirectory.decode(raw, header.entryCount, header.postingsSize, header.blocksSize)
          : Directory.decode(raw, header.entryCount, header.postingsSize, header.blocksSize);
      return new ChunkIndex(key, header, directory, head, zstd);
    });
  }

  get entryCount(): number {
    return this.header.entryCount;
  }

  get dictionariesOffset(): number {
    return HEADER_BYTES + this.header.directorySize;
  }

  get postingsOffset(): number {
    return this.dictionariesOffset + this.directory.dictionariesSize;
  }

  /** Header + directory + dictionaries + bitmaps: where the blocks region starts in a writer chunk. */
  get indexSize(): number {
    return this.postingsOffset + this.header.postingsSize;
  }

  /** Size of a writer chunk object: its index followed by its blocks. */
  get objectSize(): number {
    return this.indexSize + this.header.blocksSize;
  }

  get blocks(): readonly BlockEntry[] {
    return this.directory.blocks;
  }

  /** The directory of a re-encoded day (format version 2), else undefined. */
  get day(): DayDirectory | undefined {
    return this.directory instanceof DayDirectory ? this.directory : undefined;
  }

  /** Bytes this index keeps in memory, for cache budgets: its directory and the dictionaries and actor columns loaded so far. */
  get memoryBytes(): number {
    let bytes = this.directory.memoryBytes + this.dictionaries.reduce((sum, dictionary) => sum + (dictionary?.buffer.byteLength ?? 0), 0);
    for (const column of this.actorColumns.values()) bytes += column.length;
    return bytes;
  }

  /**
   * The compressed actor columns of a re-encoded day's `blocks` (ascending), CRCs checked: those not read
   * yet come in one ranged read of `source` over their span, then stay with the index.
   */
  async actorColumnsOf(blocks: readonly number[], source: ByteSource): Promise<Map<number, Uint8Array>> {
    const missing = blocks.filter((block) => !this.actorColumns.has(block));
    const first = missing[0];
    const last = missing[missing.length - 1];
    if (first !== undefined && last !== undefined) {
      const columnsOf = (block: number) => (this.blocks[block] as BlockEntry).columns as NonNullable<BlockEntry['columns']>;
      const start = columnsOf(first).actorsOffset;
      const length = columnsOf(last).actorsOffset + columnsOf(last).actorsSize - start;
      const bytes = await source.read(this.postingsOffset + start, length);
      withKey(source.key, () => {
        if (bytes.length !== length) throw new TruncatedError(`actor columns need ${length} bytes, the object gave ${bytes.length}`);
        for (const block of missing) {
          const columns = columnsOf(block);
          const at = columns.actorsOffset - start;
          const frame = bytes.slice(at, at + columns.actorsSize);
          verifyCrc32(frame, columns.actorsCrc, `actor column ${block}`);
          this.actorColumns.set(block, frame);
        }
      });
    }
    return new Map(blocks.map((block) => [block, this.actorColumns.get(block) as Uint8Array]));
  }

  /** Postings of `actor`, or undefined when the chunk never names it. */
  postings(actor: number): Postings | undefined {
    const at = this.directory.find(actor);
    return at < 0 ? undefined : this.directory.postings(at);
  }

  /** Dictionary `number`: from the head when it held it, else one ranged read of `source`, then kept. */
  async dictionary(number: number, source: ByteSource): Promise<Uint8Array> {
    const cached = this.dictionaries[number];
    if (cached) return cached;
    const entry = this.directory.dictionaries[number] as DictionaryEntry;
    const bytes = await source.read(this.dictionariesOffset + entry.offset, entry.size);
    const dictionary = withKey(source.key, () => {
      if (bytes.length !== entry.size) throw new TruncatedError(`dictionary needs ${entry.size} bytes, the object gave ${bytes.length}`);
      return unpackDictionary(bytes, entry, this.zstd);
    });
    this.dictionaries[number] = dictionary;
    return dictionary;
  }
}

/** Bytes of header + directory: the least a head read must return. */
export function directoryEnd(header: ChunkHeader): number {
  return HEADER_BYTES + header.directorySize;
}

function unpackDictionary(bytes: Uint8Array, entry: DictionaryEntry, zstd: BlockCompressor): Uint8Array {
  verifyCrc32(bytes, entry.crc, 'dictionary');
  return zstd.decompress(bytes, entry.rawSize);
}
