import { verifyCrc32 } from '../codec/checksum';
import { TruncatedError, withKey } from '../codec/errors';
import type { BlockCompressor } from '../codec/zstd';
import { DAY_MS } from '../layout/day';
import { type BlockEntry, Directory, type Postings } from './directory';
import { type ChunkHeader, decodeHeader, HEADER_BYTES } from './header';

/** What a query needs to know about a chunk, from one read of its head (header + directory); immutable. */
export class ChunkIndex {
  readonly dayStart: number;

  private constructor(
    readonly key: string,
    readonly header: ChunkHeader,
    readonly directory: Directory,
  ) {
    this.dayStart = header.day * DAY_MS;
  }

  /** Parses the head of a chunk: at least `headSize(header)` bytes from offset 0. */
  static parse(key: string, head: Uint8Array, zstd: BlockCompressor): ChunkIndex {
    return withKey(key, () => {
      const header = decodeHeader(head);
      const end = headSize(header);
      if (head.length < end) throw new TruncatedError(`chunk head needs ${end} bytes, got ${head.length}`);
      const compressed = head.subarray(HEADER_BYTES, end);
      verifyCrc32(compressed, header.directoryCrc, 'directory');
      const raw = zstd.decompress(compressed, header.directoryRawSize);
      const directory = Directory.decode(raw, header.entryCount, header.postingsSize, header.blocksSize);
      return new ChunkIndex(key, header, directory);
    });
  }

  get entryCount(): number {
    return this.header.entryCount;
  }

  /** Header + directory + bitmaps: where the blocks region starts in a writer chunk. */
  get indexSize(): number {
    return headSize(this.header) + this.header.postingsSize;
  }

  get objectSize(): number {
    return this.indexSize + this.header.blocksSize;
  }

  get blocks(): readonly BlockEntry[] {
    return this.directory.blocks;
  }

  get minTime(): number {
    return this.dayStart + (this.blocks[0] as BlockEntry).minTime;
  }

  get maxTime(): number {
    return this.dayStart + (this.blocks[this.blocks.length - 1] as BlockEntry).maxTime;
  }

  /** Postings of `actor`, or undefined when the chunk never names it. */
  postings(actor: number): Postings | undefined {
    const at = this.directory.find(actor);
    return at < 0 ? undefined : this.directory.postings(at);
  }
}

export function headSize(header: ChunkHeader): number {
  return HEADER_BYTES + header.directorySize;
}
