import { ZstdCodec } from 'zstd-codec';
import { CorruptError } from './errors';

/** Block compression as the format uses it; kept behind this interface so the library can change. */
export interface BlockCompressor {
  compress(data: Uint8Array, level: number): Uint8Array;
  /** Decompresses a block whose uncompressed size is known from the index; any mismatch is corruption. */
  decompress(data: Uint8Array, rawSize: number): Uint8Array;
}

/** zstd-codec's wasm heap is fixed at 16 MB, so inputs stay far below its ~5 MB abort point. */
export const MAX_COMPRESS_INPUT_BYTES = 4 * 1024 * 1024;

let loading: Promise<BlockCompressor> | undefined;

/** The zstd compressor, initialised once per process (~35 ms for the wasm). */
export function loadZstd(): Promise<BlockCompressor> {
  loading ??= new Promise((resolve) => {
    ZstdCodec.run((zstd) => {
      const simple = new zstd.Simple();
      resolve({
        compress(data, level) {
          if (data.length > MAX_COMPRESS_INPUT_BYTES) {
            throw new RangeError(`zstd input of ${data.length} bytes exceeds ${MAX_COMPRESS_INPUT_BYTES}`);
          }
          const out = simple.compress(data, level);
          if (!out) throw new Error(`zstd failed to compress ${data.length} bytes`);
          return out;
        },
        decompress(data, rawSize) {
          if (rawSize > MAX_COMPRESS_INPUT_BYTES) throw new CorruptError(`block raw size ${rawSize} exceeds ${MAX_COMPRESS_INPUT_BYTES}`);
          const out = data.length === 0 ? null : simple.decompress(data);
          if (!out) throw new CorruptError(`zstd could not decompress ${data.length} bytes`);
          if (out.length !== rawSize) {
            throw new CorruptError(`zstd output is ${out.length} bytes, index says ${rawSize}`);
          }
          return out;
        },
      });
    });
  });
  return loading;
}
