import { describe, expect, it } from 'vitest';
import { BlockRows, encodeBlock } from '../../../shared/chunk/block';
import { CorruptError } from '../../../shared/codec/errors';

const encoder = new TextEncoder();
const T = 1_000;

function block(texts: readonly Uint8Array[]): BlockRows {
  const entries = texts.map((_, i) => ({ time: T + i, actors: [i + 1], text: '' }));
  const raw = encodeBlock(entries, texts, T);
  return BlockRows.decode(raw, texts.length, T, T + texts.length - 1);
}

describe('BlockRows', () => {
  it('reads ASCII, multi-byte and empty texts, each exactly', () => {
    const texts = ['plain ascii', 'çà et là — 火 🐉', '', 'ascii again'];
    const rows = block(texts.map((text) => encoder.encode(text)));
    expect(texts.map((_, i) => rows.row(i, i).text)).toEqual(texts);
    expect(rows.row(1, 7)).toEqual({ time: T + 1, actors: [2], text: 'çà et là — 火 🐉', ordinal: 7 });
  });

  it('refuses a text that is not UTF-8 on its own, though the block’s texts together are (a sequence split across two)', () => {
    const dragon = encoder.encode('🐉');
    const rows = block([dragon.subarray(0, 2), dragon.subarray(2)]);
    expect(() => rows.row(0, 0)).toThrow(new CorruptError('entry 0 text is not valid UTF-8'));
    expect(() => rows.row(1, 1)).toThrow(new CorruptError('entry 1 text is not valid UTF-8'));
  });

  it('reads the valid texts of a block in which another is not UTF-8', () => {
    const rows = block([encoder.encode('fine'), Uint8Array.of(0xff), encoder.encode('also fine')]);
    expect(rows.row(0, 0).text).toBe('fine');
    expect(() => rows.row(1, 1)).toThrow('entry 1 text is not valid UTF-8');
    expect(rows.row(2, 2).text).toBe('also fine');
  });
});
