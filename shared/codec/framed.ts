import { concatBytes } from './bytes';
import { CorruptError } from './errors';
import type { BlockCompressor } from './zstd';

/** Raw bytes up to this size are one zstd frame (every object written before framing existed is). */
export const SINGLE_FRAME_MAX_BYTES = 4 * 1024 * 1024;
/** Raw bytes per frame of a larger section; each frame stays far below any codec's input cap. */
export const FRAME_RAW_BYTES = 1024 * 1024;

/**
 * Compresses a section of any size (a compacted day's actor directory can hold millions of actors).
 * Up to SINGLE_FRAME_MAX_BYTES it is one frame; above, it is cut into frames of FRAME_RAW_BYTES raw
 * (the last one shorter), stored as a table of their compressed sizes (u32 little-endian, one per
 * frame) followed by the frames. The raw size, which the reader knows, tells which form it is.
 */
export function compressFramed(zstd: BlockCompressor, raw: Uint8Array, level: number): Uint8Array {
  if (raw.length <= SINGLE_FRAME_MAX_BYTES) return zstd.compress(raw, level);
  const frames: Uint8Array[] = [];
  for (let at = 0; at < raw.length; at += FRAME_RAW_BYTES) frames.push(zstd.compress(raw.subarray(at, at + FRAME_RAW_BYTES), level));
  const table = new Uint8Array(4 * frames.length);
  const view = new DataView(table.buffer);
  for (const [i, frame] of frames.entries()) view.setUint32(4 * i, frame.length, true);
  return concatBytes([table, ...frames]);
}

/** The inverse of compressFramed; any inconsistency between the table, the frames and `rawSize` is corruption. */
export function decompressFramed(zstd: BlockCompressor, data: Uint8Array, rawSize: number): Uint8Array {
  if (rawSize <= SINGLE_FRAME_MAX_BYTES) return zstd.decompress(data, rawSize);
  const count = Math.ceil(rawSize / FRAME_RAW_BYTES);
  if (data.length < 4 * count)
    throw new CorruptError(`framed section of ${data.length} bytes is shorter than its table of ${count} frames`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const parts: Uint8Array[] = [];
  let at = 4 * count;
  for (let i = 0; i < count; i++) {
    const size = view.getUint32(4 * i, true);
    if (at + size > data.length)
      throw new CorruptError(`frame ${i} of ${size} bytes at ${at} overruns the section of ${data.length} bytes`);
    parts.push(zstd.decompress(data.subarray(at, at + size), Math.min(FRAME_RAW_BYTES, rawSize - i * FRAME_RAW_BYTES)));
    at += size;
  }
  if (at !== data.length) throw new CorruptError(`framed section has ${data.length - at} bytes after its last frame`);
  return concatBytes(parts);
}
