import { constants, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { CorruptError } from './errors';
import type { BlockCompressor } from './zstd';
import { checkFrame } from './zstd-frame';

/** Output buffer of one decompression step: a whole block at once, but never sized by an untrusted header alone. */
const MAX_STEP_BYTES = 1024 * 1024;

/** zstd through node:zlib: raw-content dictionaries as the format stores them, no input cap. */
export const nativeZstd: BlockCompressor = {
  compress(data, level, dictionary) {
    const out = zstdCompressSync(data, {
      // Declaring the size up front makes zstd size its window to the input and write the size in the frame header.
      pledgedSrcSize: data.length,
      params: { [constants.ZSTD_c_compressionLevel]: level },
      ...(dictionary?.length ? { dictionary } : {}),
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
  decompress(data, rawSize, dictionary) {
    checkFrame(data, rawSize);
    let out: Buffer;
    try {
      out = zstdDecompressSync(data, {
        maxOutputLength: Math.max(1, rawSize),
        chunkSize: Math.min(Math.max(64, rawSize), MAX_STEP_BYTES),
        ...(dictionary?.length ? { dictionary } : {}),
      });
    } catch (error) {
      throw new CorruptError(`zstd could not decompress ${data.length} bytes: ${(error as Error).message}`);
    }
    if (out.length !== rawSize) throw new CorruptError(`zstd output is ${out.length} bytes, index says ${rawSize}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
};
