import { RoaringBitmap32 } from 'roaring-wasm';
import { CorruptError } from './errors';
import { checkPortableBitmap } from './roaring-portable';

/** Serializes ascending ordinals as one roaring bitmap in the portable format. */
export function serializeOrdinals(ordinals: Uint32Array): Uint8Array {
  const bitmap = new RoaringBitmap32(ordinals);
  try {
    bitmap.runOptimize();
    return bitmap.serialize('portable');
  } finally {
    bitmap.dispose();
  }
}

/**
 * Checks a portable bitmap (whose bytes already passed their checksum) before the wasm
 * deserializer sees it: structure, then `cardinality` values all below `limit`.
 */
export function checkOrdinalBitmap(bytes: Uint8Array, cardinality: number, limit: number): void {
  const found = checkPortableBitmap(bytes);
  if (found.cardinality !== cardinality) {
    throw new CorruptError(`bitmap holds ${found.cardinality} values, directory says ${cardinality}`);
  }
  if (found.maximum >= limit) throw new CorruptError(`bitmap value ${found.maximum} is outside 0..${limit - 1}`);
}

/**
 * ANDs checked portable bitmaps and ascending ordinal lists; returns the common ordinals ascending.
 * Small lists are filtered against the bitmaps rather than turned into bitmaps.
 */
export function andOrdinals(bitmaps: readonly Uint8Array[], lists: readonly Uint32Array[]): Uint32Array {
  const sets = bitmaps.map((bytes) => RoaringBitmap32.deserialize(bytes, 'portable'));
  try {
    const [first, ...rest] = sets;
    if (first) for (const other of rest) first.andInPlace(other);
    const sorted = [...lists].sort((a, b) => a.length - b.length);
    const smallest = sorted[0];
    if (!smallest) return first ? first.toUint32Array() : new Uint32Array(0);
    const others = sorted.slice(1);
    return smallest.filter((ordinal) => (!first || first.has(ordinal)) && others.every((list) => contains(list, ordinal)));
  } finally {
    for (const set of sets) set.dispose();
  }
}

function contains(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = sorted[mid] as number;
    if (at === value) return true;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
