import { nativeZstd } from './zstd-native';

/** Block compression as the format uses it; kept behind this interface so the library can change. */
export interface BlockCompressor {
  /** Compresses `data` into one frame that declares its content size; with a dictionary (raw content the data resembles) small blocks compress like big ones. */
  compress(data: Uint8Array, level: number, dictionary?: Uint8Array): Uint8Array;
  /** Decompresses a frame whose uncompressed size is known from the index; any mismatch is corruption. */
  decompress(data: Uint8Array, rawSize: number, dictionary?: Uint8Array): Uint8Array;
}

/**
 * The block codec every path uses: Node's built-in zstd (node:zlib, Node ≥ 22.15 with dictionaries
 * from 22.19), native and without an input cap. `loadPortableZstd` (zstd-portable.ts) is the
 * wasm implementation that reads and writes the same frames, kept as the test oracle.
 */
export function loadZstd(): Promise<BlockCompressor> {
  return Promise.resolve(nativeZstd);
}
