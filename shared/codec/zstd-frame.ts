import { CorruptError } from './errors';

const FRAME_MAGIC = 0xfd2fb528;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;

/**
 * The content size a zstd frame header declares (RFC 8878 §3.1.1.1), or undefined when the bytes do
 * not start a frame that declares one. Read before decompressing, so that a hostile header is refused
 * before any implementation sizes an output from it.
 */
export function frameContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 5) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  if (view.getUint32(0, true) !== FRAME_MAGIC) return undefined;
  const descriptor = frame[4] as number;
  const singleSegment = (descriptor >> 5) & 1;
  const sizeFlag = descriptor >> 6;
  const sizeBytes = sizeFlag === 0 ? singleSegment : (CONTENT_SIZE_BYTES[sizeFlag] as number);
  if (sizeBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + (DICTIONARY_ID_BYTES[descriptor & 3] as number);
  if (frame.length < at + sizeBytes) return undefined;
  if (sizeBytes === 1) return view.getUint8(at);
  if (sizeBytes === 2) return view.getUint16(at, true) + 256;
  if (sizeBytes === 4) return view.getUint32(at, true);
  return Number(view.getBigUint64(at, true));
}

/** Refuses a frame whose header does not declare exactly the raw size the index recorded. */
export function checkFrame(frame: Uint8Array, rawSize: number): void {
  const declared = frameContentSize(frame);
  if (declared !== rawSize) throw new CorruptError(`zstd frame declares ${declared ?? 'no'} content bytes, index says ${rawSize}`);
}
