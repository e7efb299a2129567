import { ByteReader, ByteWriter } from '../codec/bytes';
import { crc32, verifyCrc32 } from '../codec/checksum';
import { CorruptError, TruncatedError } from '../codec/errors';
import { DAY_MS, LAST_DAY } from '../layout/day';
import { checkWriter } from '../layout/keys';
import { type ChunkRecord, checkChunks, type Manifest } from './manifest';
import { isSequenceNumber } from './sequence-number';

/** "TMNF": the first bytes of a binary manifest (a JSON one starts with `{`). */
export const BINARY_MANIFEST_MAGIC = Uint8Array.from([0x54, 0x4d, 0x4e, 0x46]);
export const BINARY_MANIFEST_VERSION = 2;
/** Magic, version, body length. */
const HEADER_BYTES = 9;
const CHECKSUM_BYTES = 4;
/** A chunk's flags: its ETag is S3's quoted 32 hex digits, stored as 16 bytes. */
const MD5_ETAG = 1;
/** A chunk's flags: it records `first`. */
const HAS_FIRST = 2;
/** Kinesis sequence numbers have at most 128 digits. */
const MAX_DIGITS = 128;
const MAX_WRITER_BYTES = 1024;
const MAX_ETAG_BYTES = 1024;
const QUOTED_MD5 = /^"[0-9a-f]{32}"$/;

/**
 * The writer-day manifest in its binary form (format version 2, docs/format.md): each chunk as
 * varints relative to the day and to the chunk before it, ETags as 16 bytes, watermarks as
 * differences, the body covered by a CRC-32. About a fifth of the JSON form's bytes.
 */
export function encodeBinaryManifest(manifest: Manifest): Uint8Array {
  const body = new ByteWriter(64 + 48 * manifest.chunks.length);
  const writer = new TextEncoder().encode(manifest.writer);
  body.varint(writer.length);
  body.bytes(writer);
  body.varint(manifest.day);
  body.varint(manifest.chunks.length);
  const dayStart = manifest.day * DAY_MS;
  let previous = '';
  for (const chunk of manifest.chunks) {
    const md5 = QUOTED_MD5.test(chunk.etag);
    body.u8((md5 ? MD5_ETAG : 0) | (chunk.first !== undefined ? HAS_FIRST : 0));
    body.varint(chunk.entries);
    body.varint(chunk.minTime - dayStart);
    body.varint(chunk.maxTime - chunk.minTime);
    body.varint(chunk.headSize);
    body.varint(chunk.indexSize - chunk.headSize);
    body.varint(chunk.size - chunk.indexSize);
    if (md5) body.bytes(Buffer.from(chunk.etag.slice(1, -1), 'hex'));
    else {
      const etag = new TextEncoder().encode(chunk.etag);
      body.varint(etag.length);
      body.bytes(etag);
    }
    writeDigits(body, chunk.watermark, previous);
    if (chunk.first !== undefined) writeDigits(body, chunk.first, chunk.watermark);
    previous = chunk.watermark;
  }
  const bodyBytes = body.finish();
  const out = new ByteWriter(HEADER_BYTES + bodyBytes.length + CHECKSUM_BYTES);
  out.bytes(BINARY_MANIFEST_MAGIC);
  out.u8(BINARY_MANIFEST_VERSION);
  out.u32(bodyBytes.length);
  out.bytes(bodyBytes);
  out.u32(crc32(bodyBytes));
  return out.finish();
}

export function isBinaryManifest(bytes: Uint8Array): boolean {
  return BINARY_MANIFEST_MAGIC.every((byte, i) => bytes[i] === byte);
}

/**
 * Decodes a binary manifest (its magic already seen): lengths are checked against the buffer before
 * use (a short object is a TruncatedError), then the CRC-32, then every field; any other fault is a
 * CorruptError. Neither names a key: the caller adds it.
 */
export function decodeBinaryManifest(bytes: Uint8Array): Manifest {
  const header = new ByteReader(bytes, BINARY_MANIFEST_MAGIC.length);
  const version = header.u8('manifest version');
  if (version !== BINARY_MANIFEST_VERSION) throw new CorruptError(`unsupported manifest version ${version}`);
  const length = header.u32('manifest body length');
  const expected = HEADER_BYTES + length + CHECKSUM_BYTES;
  if (bytes.length < expected) {
    throw new TruncatedError(`manifest of ${length} body bytes needs ${expected} bytes, only ${bytes.length} are stored`);
  }
  if (bytes.length > expected) throw new CorruptError(`manifest has ${bytes.length - expected} bytes after its checksum`);
  const body = bytes.subarray(HEADER_BYTES, HEADER_BYTES + length);
  verifyCrc32(body, new DataView(bytes.buffer, bytes.byteOffset + HEADER_BYTES + length, 4).getUint32(0, true), 'manifest');
  try {
    return parseBody(new ByteReader(body));
  } catch (error) {
    // The checksum held: whatever does not parse was written wrong, not cut short.
    if (error instanceof CorruptError) throw error;
    throw new CorruptError(`invalid manifest: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseBody(reader: ByteReader): Manifest {
  const writer = checkWriter(
    new TextDecoder('utf-8', { fatal: true }).decode(reader.take(reader.varint('writer length', MAX_WRITER_BYTES), 'writer')),
  );
  const day = reader.varint('day', LAST_DAY);
  // A chunk takes at least 9 bytes, so a count the body cannot hold is refused before anything is built.
  const count = reader.varint('chunk count', Math.floor(reader.remaining / 9));
  const dayStart = day * DAY_MS;
  const chunks: ChunkRecord[] = [];
  let previous = '';
  for (let seq = 0; seq < count; seq++) {
    const what = `chunk ${seq}`;
    const flags = reader.u8(`${what} flags`);
    if (flags & ~(MD5_ETAG | HAS_FIRST)) throw new Error(`${what} has unknown flags ${flags}`);
    const entries = reader.varint(`${what} entries`);
    const minTime = dayStart + reader.varint(`${what} minTime`, DAY_MS);
    const maxTime = minTime + reader.varint(`${what} maxTime`, DAY_MS);
    const headSize = reader.varint(`${what} headSize`);
    const indexSize = headSize + reader.varint(`${what} indexSize`);
    const size = indexSize + reader.varint(`${what} size`);
    const etag =
      flags & MD5_ETAG
        ? `"${hex(reader.take(16, `${what} etag`))}"`
        : new TextDecoder('utf-8', { fatal: true }).decode(
            reader.take(reader.varint(`${what} etag length`, MAX_ETAG_BYTES), `${what} etag`),
          );
    const watermark = readDigits(reader, previous, `${what} watermark`);
    const first = flags & HAS_FIRST ? readDigits(reader, watermark, `${what} first`) : undefined;
    if (!isSequenceNumber(watermark)) throw new Error(`${what} watermark must be a Kinesis sequence number`);
    if (first !== undefined && !isSequenceNumber(first)) throw new Error(`${what} first must be a Kinesis sequence number`);
    chunks.push({
      seq,
      entries,
      minTime,
      maxTime,
      headSize,
      indexSize,
      size,
      etag,
      watermark,
      ...(first !== undefined ? { first } : {}),
    });
    previous = watermark;
  }
  if (reader.remaining !== 0) throw new Error(`${reader.remaining} bytes after the last chunk`);
  const manifest = { writer, day, chunks };
  checkChunks(manifest);
  return manifest;
}

/**
 * A decimal string front-coded against `base` (the sequence number before it, which it shares its
 * leading digits with): the length of the shared prefix, the count of the other digits, and those
 * digits packed two to a byte (a last odd digit in the high nibble).
 */
function writeDigits(out: ByteWriter, digits: string, base: string): void {
  let shared = 0;
  while (shared < digits.length && shared < base.length && digits.charCodeAt(shared) === base.charCodeAt(shared)) shared++;
  out.varint(shared);
  out.varint(digits.length - shared);
  for (let i = shared; i < digits.length; i += 2) {
    const high = digits.charCodeAt(i) - 48;
    const low = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 48 : 0;
    out.u8((high << 4) | low);
  }
}

function readDigits(reader: ByteReader, base: string, what: string): string {
  const shared = reader.varint(`${what} shared digits`, base.length);
  const rest = reader.varint(`${what} digits`, MAX_DIGITS - shared);
  const packed = reader.take(Math.ceil(rest / 2), what);
  const codes = new Array<number>(rest);
  for (let i = 0; i < rest; i++) {
    const byte = packed[i >> 1] as number;
    const digit = i & 1 ? byte & 0xf : byte >> 4;
    if (digit > 9) throw new Error(`${what} holds a nibble ${digit} that is not a decimal digit`);
    codes[i] = 48 + digit;
  }
  return base.slice(0, shared) + String.fromCharCode(...codes);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}
