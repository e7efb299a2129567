import { type ZstdBinding, ZstdCodec, type ZstdDictionary } from 'zstd-codec';
import { CorruptError } from './errors';

/** Block compression as the format uses it; kept behind this interface so the library can change. */
export interface BlockCompressor {
  /** Compresses `data`; with a dictionary (raw content the data resembles) small blocks compress like big ones. */
  compress(data: Uint8Array, level: number, dictionary?: Uint8Array): Uint8Array;
  /** Decompresses a block whose uncompressed size is known from the index; any mismatch is corruption. */
  decompress(data: Uint8Array, rawSize: number, dictionary?: Uint8Array): Uint8Array;
}

/** zstd-codec's wasm heap is fixed at 16 MB, so inputs stay far below its ~5 MB abort point. */
export const MAX_COMPRESS_INPUT_BYTES = 4 * 1024 * 1024;

let loading: Promise<BlockCompressor> | undefined;

/** The zstd compressor, initialised once per process (~35 ms for the wasm). */
export function loadZstd(): Promise<BlockCompressor> {
  loading ??= new Promise((resolve) => ZstdCodec.run((zstd) => resolve(zstdCompressor(zstd))));
  return loading;
}

function zstdCompressor(zstd: ZstdBinding): BlockCompressor {
  const simple = new zstd.Simple();
  const frame = new zstd.Generic();
  // Dictionaries live in the small wasm heap: keep only the last one of each kind, since a chunk's
  // blocks are compressed, and usually read, one chunk at a time.
  const compression = lastOnly((bytes: Uint8Array, level: number) => new zstd.Dict.Compression(bytes, level));
  const decompression = lastOnly((bytes: Uint8Array) => new zstd.Dict.Decompression(bytes));
  return {
    compress(data, level, dictionary) {
      if (data.length > MAX_COMPRESS_INPUT_BYTES) {
        throw new RangeError(`zstd input of ${data.length} bytes exceeds ${MAX_COMPRESS_INPUT_BYTES}`);
      }
      const out = dictionary?.length ? simple.compressUsingDict(data, compression(dictionary, level)) : simple.compress(data, level);
      if (!out) throw new Error(`zstd failed to compress ${data.length} bytes`);
      return out;
    },
    decompress(data, rawSize, dictionary) {
      if (rawSize > MAX_COMPRESS_INPUT_BYTES) throw new CorruptError(`block raw size ${rawSize} exceeds ${MAX_COMPRESS_INPUT_BYTES}`);
      // zstd-codec allocates the content size the frame header declares: a hostile header would abort the wasm heap.
      const declared = data.length > 0 ? frame.contentSize(data) : null;
      if (declared !== rawSize) throw new CorruptError(`zstd frame declares ${declared ?? 'no'} content bytes, index says ${rawSize}`);
      const out = dictionary?.length ? simple.decompressUsingDict(data, decompression(dictionary, 0)) : simple.decompress(data);
      if (!out) throw new CorruptError(`zstd could not decompress ${data.length} bytes`);
      if (out.length !== rawSize) throw new CorruptError(`zstd output is ${out.length} bytes, index says ${rawSize}`);
      return out;
    },
  };
}

function lastOnly(create: (bytes: Uint8Array, level: number) => ZstdDictionary): (bytes: Uint8Array, level: number) => ZstdDictionary {
  let last: { bytes: Uint8Array; level: number; dictionary: ZstdDictionary } | undefined;
  return (bytes, level) => {
    if (last?.bytes !== bytes || last.level !== level) {
      last?.dictionary.close();
      last = { bytes, level, dictionary: create(bytes, level) };
    }
    return last.dictionary;
  };
}
