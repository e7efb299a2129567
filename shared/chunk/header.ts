import { ByteReader, ByteWriter } from '../codec/bytes';
import { crc32, verifyCrc32 } from '../codec/checksum';
import { CorruptError } from '../codec/errors';
import { LAST_DAY } from '../layout/day';

/** 'TALE' read as a little-endian u32. */
export const CHUNK_MAGIC = 0x454c4154;
export const CHUNK_VERSION = 1;
/** A compacted day's index object (re-encoded blocks, actor columns, a day-wide directory; docs/format.md). */
export const DAY_INDEX_VERSION = 2;
export const HEADER_BYTES = 40;

/** The fixed header at the start of every chunk object; see docs/format.md. */
export interface ChunkHeader {
  /** CHUNK_VERSION for a writer chunk, a segment and a compacted day of format 1; DAY_INDEX_VERSION for a re-encoded day. @default CHUNK_VERSION */
  readonly version?: number;
  readonly day: number;
  readonly entryCount: number;
  readonly directorySize: number;
  readonly directoryRawSize: number;
  readonly postingsSize: number;
  readonly blocksSize: number;
  readonly directoryCrc: number;
}

export function encodeHeader(header: ChunkHeader): Uint8Array {
  const out = new ByteWriter(HEADER_BYTES);
  out.u32(CHUNK_MAGIC);
  out.u16(header.version ?? CHUNK_VERSION);
  out.u16(HEADER_BYTES);
  out.u32(header.day);
  out.u32(header.entryCount);
  out.u32(header.directorySize);
  out.u32(header.directoryRawSize);
  out.u32(header.postingsSize);
  out.u32(header.blocksSize);
  out.u32(header.directoryCrc);
  const body = out.finish();
  out.u32(crc32(body));
  return out.finish().slice();
}

export function decodeHeader(bytes: Uint8Array): ChunkHeader {
  const reader = new ByteReader(bytes);
  reader.need(HEADER_BYTES, 'chunk header');
  const magic = reader.u32('magic');
  if (magic !== CHUNK_MAGIC) throw new CorruptError(`bad magic 0x${magic.toString(16)} (expected 'TALE')`);
  const version = reader.u16('version');
  if (version !== CHUNK_VERSION && version !== DAY_INDEX_VERSION)
    throw new CorruptError(`unsupported chunk format version ${version} (this reader knows ${CHUNK_VERSION} and ${DAY_INDEX_VERSION})`);
  const headerBytes = reader.u16('header size');
  if (headerBytes !== HEADER_BYTES) throw new CorruptError(`header size ${headerBytes}, expected ${HEADER_BYTES}`);
  verifyCrc32(
    bytes.subarray(0, HEADER_BYTES - 4),
    new DataView(bytes.buffer, bytes.byteOffset).getUint32(HEADER_BYTES - 4, true),
    'header',
  );
  const header: ChunkHeader = {
    version,
    day: reader.u32('day'),
    entryCount: reader.u32('entry count'),
    directorySize: reader.u32('directory size'),
    directoryRawSize: reader.u32('directory raw size'),
    postingsSize: reader.u32('postings size'),
    blocksSize: reader.u32('blocks size'),
    directoryCrc: reader.u32('directory checksum'),
  };
  if (header.entryCount === 0) throw new CorruptError('chunk holds no entries');
  if (header.day > LAST_DAY) throw new CorruptError(`day ${header.day} is past the last representable day ${LAST_DAY}`);
  return header;
}
