import { type ZstdBinding, ZstdCodec, type ZstdDictionary } from 'zstd-codec';
import { CorruptError } from './errors';
import type { BlockCompressor } from './zstd';
import { checkFrame } from './zstd-frame';

/** zstd-codec's wasm heap is fixed at 16 MB, so inputs stay far below its ~5 MB abort point. */
export const PORTABLE_MAX_INPUT_BYTES = 4 * 1024 * 1024;

let loading: Promise<BlockCompressor> | undefined;

/**
 * zstd in wasm (zstd-codec), initialised once per process (~35 ms): runs wherever wasm does, and
 * serves as the oracle that every frame the native codec writes is plain zstd. Inputs are capped
 * at PORTABLE_MAX_INPUT_BYTES by its heap.
 */
export function loadPortableZstd(): Promise<BlockCompressor> {
  loading ??= new Promise((resolve) => ZstdCodec.run((zstd) => resolve(portableCompressor(zstd))));
  return loading;
}

function portableCompressor(zstd: ZstdBinding): BlockCompressor {
  const simple = new zstd.Simple();
  // Dictionaries live in the small wasm heap: keep only the last one of each kind, since a chunk's
  // blocks are compressed, and usually read, one chunk at a time.
  const compression = lastOnly((bytes: Uint8Array, level: number) => new zstd.Dict.Compression(bytes, level));
  const decompression = lastOnly((bytes: Uint8Array) => new zstd.Dict.Decompression(bytes));
  return {
    compress(data, level, dictionary) {
      if (data.length > PORTABLE_MAX_INPUT_BYTES) {
        throw new RangeError(`zstd input of ${data.length} bytes exceeds ${PORTABLE_MAX_INPUT_BYTES}`);
      }
      const out = dictionary?.length ? simple.compressUsingDict(data, compression(dictionary, level)) : simple.compress(data, level);
      if (!out) throw new Error(`zstd failed to compress ${data.length} bytes`);
      return out;
    },
    decompress(data, rawSize, dictionary) {
      if (rawSize > PORTABLE_MAX_INPUT_BYTES) throw new CorruptError(`block raw size ${rawSize} exceeds ${PORTABLE_MAX_INPUT_BYTES}`);
      // zstd-codec allocates the content size the frame header declares: a hostile header would abort the wasm heap.
      checkFrame(data, rawSize);
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
