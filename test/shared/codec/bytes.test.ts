import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../shared/codec/bytes';
import { CorruptError, TruncatedError } from '../../../shared/codec/errors';

function written(write: (out: ByteWriter) => void, initialSize?: number): number[] {
  const out = new ByteWriter(initialSize);
  write(out);
  return Array.from(out.finish());
}

describe('varint', () => {
  const EDGES: [string, number, number][] = [
    ['0', 0, 1],
    ['1', 1, 1],
    ['127 (largest 1-byte)', 127, 1],
    ['128 (smallest 2-byte)', 128, 2],
    ['16383 (largest 2-byte)', 16_383, 2],
    ['16384 (smallest 3-byte)', 16_384, 3],
    ['2^31', 2 ** 31, 5],
    ['2^32-1', 0xffff_ffff, 5],
    ['2^32', 2 ** 32, 5],
    ['2^49 (smallest 8-byte)', 2 ** 49, 8],
    ['2^53-1', Number.MAX_SAFE_INTEGER, 8],
  ];

  it.each(EDGES)('round-trips %s in its LEB128 length', (_name, value, length) => {
    const bytes = written((out) => out.varint(value));
    expect(bytes).toHaveLength(length);
    const reader = new ByteReader(Uint8Array.from(bytes));
    expect(reader.varint('value')).toBe(value);
    expect(reader.remaining).toBe(0);
  });

  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [0xffff_ffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('writes %d as the bytes %j', (value, bytes) => {
    expect(written((out) => out.varint(value))).toEqual(bytes);
    expect(new ByteReader(Uint8Array.from(bytes)).varint('value')).toBe(value);
  });

  it('reads several varints in sequence, advancing the offset', () => {
    const reader = new ByteReader(Uint8Array.from([0xac, 0x02, 0x05, 0x80, 0x01]));
    expect([reader.varint('a'), reader.varint('b'), reader.varint('c')]).toEqual([300, 5, 128]);
    expect(reader.offset).toBe(5);
  });

  it('reads a varint from a starting offset', () => {
    const reader = new ByteReader(Uint8Array.from([0xff, 0xff, 0xac, 0x02]), 2);
    expect(reader.varint('value')).toBe(300);
  });

  it.each([
    ['empty input', [], 'length: varint runs past the end at offset 0'],
    ['a lone continuation byte', [0x80], 'length: varint runs past the end at offset 1'],
    ['a cut 5-byte varint', [0xff, 0xff, 0xff, 0xff], 'length: varint runs past the end at offset 4'],
  ])('throws TruncatedError on %s', (_name, bytes, message) => {
    const read = () => new ByteReader(Uint8Array.from(bytes)).varint('length');
    expect(read).toThrow(TruncatedError);
    expect(read).toThrow(message);
  });

  it('throws CorruptError on a varint longer than 8 bytes', () => {
    const read = () => new ByteReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).varint('length');
    expect(read).toThrow(CorruptError);
    expect(read).toThrow('length: varint longer than 8 bytes at offset 8');
  });

  it('throws CorruptError on a value over 2^53-1 by default', () => {
    const bytes = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]); // 2^53
    const read = () => new ByteReader(bytes).varint('length');
    expect(read).toThrow(CorruptError);
    expect(read).toThrow('length is 9007199254740992, over its maximum 9007199254740991');
  });

  it('throws CorruptError on a value over the given maximum, and accepts the maximum itself', () => {
    expect(new ByteReader(Uint8Array.from([0xac, 0x02])).varint('count', 300)).toBe(300);
    const read = () => new ByteReader(Uint8Array.from([0xad, 0x02])).varint('count', 300);
    expect(read).toThrow(CorruptError);
    expect(read).toThrow('count is 301, over its maximum 300');
  });

  it('throws TruncatedError before CorruptError when a cut varint would be over the maximum', () => {
    expect(() => new ByteReader(Uint8Array.from([0xff, 0xff])).varint('count', 10)).toThrow(TruncatedError);
  });
});

describe('fixed-width integers', () => {
  it.each([
    ['u8', (out: ByteWriter) => out.u8(0xab), [0xab]],
    ['u16 0x1234', (out: ByteWriter) => out.u16(0x1234), [0x34, 0x12]],
    ['u16 0xffff', (out: ByteWriter) => out.u16(0xffff), [0xff, 0xff]],
    ['u32 0x12345678', (out: ByteWriter) => out.u32(0x1234_5678), [0x78, 0x56, 0x34, 0x12]],
    ['u32 0xffffffff', (out: ByteWriter) => out.u32(0xffff_ffff), [0xff, 0xff, 0xff, 0xff]],
    ["the magic 'TALE'", (out: ByteWriter) => out.u32(0x454c_4154), [0x54, 0x41, 0x4c, 0x45]],
  ])('writes %s little-endian', (_name, write, bytes) => {
    expect(written(write)).toEqual(bytes);
  });

  it('reads u8, u16 and u32 little-endian', () => {
    const reader = new ByteReader(Uint8Array.from([0xab, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff]));
    expect([reader.u8('a'), reader.u16('b'), reader.u32('c'), reader.u32('d')]).toEqual([0xab, 0x1234, 0x1234_5678, 0xffff_ffff]);
    expect(reader.remaining).toBe(0);
  });

  it('reads through a view into a larger buffer, not from the buffer start', () => {
    const backing = Uint8Array.from([0xee, 0xee, 0x01, 0x02, 0x03, 0x04, 0xee]);
    const reader = new ByteReader(backing.subarray(2, 6));
    expect(reader.u32('value')).toBe(0x0403_0201);
    expect(() => reader.u8('next')).toThrow(TruncatedError);
  });

  it.each([
    ['u8', (r: ByteReader) => r.u8('flag'), [], 'flag needs 1 bytes at offset 0, only 0 remain'],
    ['u16', (r: ByteReader) => r.u16('key'), [1], 'key needs 2 bytes at offset 0, only 1 remain'],
    ['u32', (r: ByteReader) => r.u32('crc'), [1, 2, 3], 'crc needs 4 bytes at offset 0, only 3 remain'],
    ['take', (r: ByteReader) => r.take(5, 'texts'), [1, 2, 3, 4], 'texts needs 5 bytes at offset 0, only 4 remain'],
  ])('throws TruncatedError naming the field when %s runs past the end', (_name, read, bytes, message) => {
    const reader = new ByteReader(Uint8Array.from(bytes));
    expect(() => read(reader)).toThrow(TruncatedError);
    expect(() => read(new ByteReader(Uint8Array.from(bytes)))).toThrow(message);
  });

  it('take returns a view of the requested bytes and advances', () => {
    const reader = new ByteReader(Uint8Array.from([1, 2, 3, 4, 5]));
    reader.u8('skip');
    expect(Array.from(reader.take(3, 'middle'))).toEqual([2, 3, 4]);
    expect(reader.remaining).toBe(1);
  });
});

describe('ByteWriter', () => {
  it('grows from a tiny buffer over many writes of every kind', () => {
    const out = new ByteWriter(1);
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      out.u8(i & 0xff);
      expected.push(i & 0xff);
      out.u16(i);
      expected.push(i & 0xff, (i >> 8) & 0xff);
      out.varint(i * 1000);
      expected.push(...written((w) => w.varint(i * 1000)));
      if (i % 100 === 0) {
        const chunk = Uint8Array.from({ length: 300 }, (_, j) => (i + j) & 0xff);
        out.bytes(chunk);
        expected.push(...chunk);
      }
    }
    expect(out.length).toBe(expected.length);
    expect(Array.from(out.finish())).toEqual(expected);
  });

  it('grows to fit one write larger than twice its size', () => {
    const out = new ByteWriter(4);
    const big = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    out.u8(9);
    out.bytes(big);
    expect(out.finish()).toEqual(Uint8Array.from([9, ...big]));
  });

  it('keeps earlier bytes when it grows during a varint or u32', () => {
    const out = new ByteWriter(2);
    out.u8(1);
    out.varint(Number.MAX_SAFE_INTEGER);
    out.u32(0xdead_beef);
    const reader = new ByteReader(out.finish());
    expect([reader.u8('a'), reader.varint('b'), reader.u32('c')]).toEqual([1, Number.MAX_SAFE_INTEGER, 0xdead_beef]);
  });

  it('finish is empty when nothing was written', () => {
    expect(new ByteWriter().finish()).toHaveLength(0);
  });
});
