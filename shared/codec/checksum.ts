import { crc32 as zlibCrc32 } from 'node:zlib';
import { CorruptError } from './errors';

/** CRC-32 (ISO-HDLC, as zlib and gzip) of `data`. */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}

/** Throws a CorruptError naming `what` when `data` does not have the checksum it was written with. */
export function verifyCrc32(data: Uint8Array, expected: number, what: string): void {
  const actual = crc32(data);
  if (actual !== expected) {
    throw new CorruptError(`${what} checksum mismatch (stored ${hex(expected)}, computed ${hex(actual)})`);
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
