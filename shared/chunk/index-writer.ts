import { concatBytes } from '../codec/bytes';
import { crc32 } from '../codec/checksum';
import { compressFramed } from '../codec/framed';
import { serializeOrdinals } from '../codec/roaring';
import type { BlockCompressor } from '../codec/zstd';
import { type DirectoryInput, encodeDirectory, type Postings } from './directory';
import { encodeHeader, HEADER_BYTES } from './header';

/** Everything an index (header, directory, dictionaries, postings) is made from. */
export interface IndexParts {
  readonly day: number;
  readonly entryCount: number;
  readonly inlineMax: number;
  readonly level: number;
  /** Raw dictionaries; the index stores them compressed. */
  readonly dictionaries: readonly Uint8Array[];
  readonly blocks: DirectoryInput['blocks'];
  readonly blocksSize: number;
  /** Each actor's ordinals, ascending. */
  readonly postings: ReadonlyMap<number, Uint32Array>;
}

/** An encoded index and the sizes a manifest or compacted metadata records. */
export interface WrittenIndex {
  readonly bytes: Uint8Array;
  /** Header + directory. */
  readonly directoryEnd: number;
  /** Header + directory + dictionaries: a head read that needs no further dictionary read. */
  readonly headSize: number;
  readonly indexSize: number;
}

/** Encodes an index for a writer chunk (blocks follow it) or a compacted day (blocks elsewhere). */
export function writeIndex(parts: IndexParts, zstd: BlockCompressor): WrittenIndex {
  // The format bounds inlineMax by the entry count; no actor of a smaller index can exceed it anyway.
  const inlineMax = Math.min(parts.inlineMax, parts.entryCount);
  const bitmaps: Uint8Array[] = [];
  const actors = [...parts.postings.keys()]
    .sort((a, b) => a - b)
    .map((id) => {
      const ordinals = parts.postings.get(id) as Uint32Array;
      if (ordinals.length <= inlineMax) return { id, postings: { kind: 'inline', ordinals } as Postings };
      const bitmap = serializeOrdinals(ordinals);
      bitmaps.push(bitmap);
      const postings: Postings = { kind: 'bitmap', cardinality: ordinals.length, offset: 0, size: bitmap.length, crc: crc32(bitmap) };
      return { id, postings };
    });
  const packed = parts.dictionaries.map((raw) => zstd.compress(raw, parts.level));
  const dictionaries = packed.map((bytes, i) => ({
    size: bytes.length,
    rawSize: (parts.dictionaries[i] as Uint8Array).length,
    crc: crc32(bytes),
  }));
  const directoryRaw = encodeDirectory({ inlineMax, dictionaries, blocks: parts.blocks, actors });
  const directory = compressFramed(zstd, directoryRaw, parts.level);
  const postingsSize = sum(bitmaps);
  const header = encodeHeader({
    day: parts.day,
    entryCount: parts.entryCount,
    directorySize: directory.length,
    directoryRawSize: directoryRaw.length,
    postingsSize,
    blocksSize: parts.blocksSize,
    directoryCrc: crc32(directory),
  });
  const bytes = concatBytes([header, directory, ...packed, ...bitmaps]);
  const directoryEnd = HEADER_BYTES + directory.length;
  const headSize = directoryEnd + sum(packed);
  return { bytes, directoryEnd, headSize, indexSize: headSize + postingsSize };
}

function sum(parts: readonly Uint8Array[]): number {
  return parts.reduce((total, part) => total + part.length, 0);
}
