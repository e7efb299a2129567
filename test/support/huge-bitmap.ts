import { ByteWriter } from '../../shared/codec/bytes';

/**
 * The portable roaring bitmap of 0..n-1 written directly (one full run per container), so a test can
 * hold hundreds of millions of ordinals in a few KiB without building them first.
 */
export function fullRunsBitmap(n: number): Uint8Array {
  const size = Math.ceil(n / 65_536);
  const out = new ByteWriter(16 * size + 16);
  out.u32(12_347 | ((size - 1) << 16));
  for (let i = 0; i < Math.ceil(size / 8); i++) out.u8(i < Math.floor(size / 8) ? 0xff : (1 << (size % 8)) - 1);
  const cardOf = (c: number) => Math.min(65_536, n - c * 65_536);
  for (let c = 0; c < size; c++) {
    out.u16(c);
    out.u16(cardOf(c) - 1);
  }
  const headerEnd = 4 + Math.ceil(size / 8) + 4 * size + (size >= 4 ? 4 * size : 0);
  if (size >= 4) for (let c = 0; c < size; c++) out.u32(headerEnd + 6 * c);
  for (let c = 0; c < size; c++) {
    out.u16(1);
    out.u16(0);
    out.u16(cardOf(c) - 1);
  }
  return out.finish().slice();
}
