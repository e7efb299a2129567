import { CorruptError, TruncatedError } from './errors';

/** A growable output buffer that doubles, with LEB128 varints and little-endian fixed ints. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialSize = 1024) {
    this.buffer = new Uint8Array(initialSize);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  varint(value: number): void {
    this.ensure(8);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** The written bytes (a view; copy before writing more if they must stay). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** A bounds-checked cursor over bytes; every read past the end is a TruncatedError naming `what`. */
export class ByteReader {
  readonly view: DataView;
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  need(count: number, what: string): void {
    if (count > this.remaining) {
      throw new TruncatedError(`${what} needs ${count} bytes at offset ${this.offset}, only ${this.remaining} remain`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++] as number;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** An unsigned LEB128 varint no larger than `max` (at most 2^53 - 1). */
  varint(what: string, max = Number.MAX_SAFE_INTEGER): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.offset >= this.bytes.length) throw new TruncatedError(`${what}: varint runs past the end at offset ${this.offset}`);
      const byte = this.bytes[this.offset++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > max) throw new CorruptError(`${what} is ${value}, over its maximum ${max}`);
        return value;
      }
      scale *= 0x80;
    }
    throw new CorruptError(`${what}: varint longer than 8 bytes at offset ${this.offset}`);
  }

  take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }
}

/** The parts joined into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
