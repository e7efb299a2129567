import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { type BlockCompressor, loadZstd, MAX_COMPRESS_INPUT_BYTES } from '../../../shared/codec/zstd';

let zstd: BlockCompressor;
beforeAll(async () => {
  zstd = await loadZstd();
});

const text = new TextEncoder().encode('player 12345 attacked monster 67890 with a sword; '.repeat(40));
const dictionary = new TextEncoder().encode('player attacked monster with a sword; player healed; '.repeat(20));

/** A zstd frame header (magic, single-segment descriptor, 8-byte content size) and one raw block of `body`. */
function frameDeclaring(contentSize: number, body: number[]): Uint8Array {
  const header = [0x28, 0xb5, 0x2f, 0xfd, 0xe0];
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(contentSize), true);
  const blockHeader = (body.length << 3) | 1; // last block, raw
  return Uint8Array.from([...header, ...size, blockHeader & 0xff, (blockHeader >> 8) & 0xff, blockHeader >> 16, ...body]);
}

function expectCorrupt(action: () => unknown, message?: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CorruptError);
  if (message) expect((thrown as Error).message).toBe(message);
}

describe('zstd block compressor', () => {
  it('round-trips with and without a dictionary', () => {
    expect(zstd.decompress(zstd.compress(text, 3), text.length)).toEqual(text);
    const withDictionary = zstd.compress(text, 3, dictionary);
    expect(zstd.decompress(withDictionary, text.length, dictionary)).toEqual(text);
  });

  it('decodes a hand-made raw-block frame', () => {
    expect(Array.from(zstd.decompress(frameDeclaring(3, [7, 8, 9]), 3))).toEqual([7, 8, 9]);
  });

  it('rejects a raw size over the limit before touching the data', () => {
    expectCorrupt(() => zstd.decompress(text, MAX_COMPRESS_INPUT_BYTES + 1), `block raw size 4194305 exceeds ${MAX_COMPRESS_INPUT_BYTES}`);
  });

  it('rejects a frame that declares 1 GiB with a CorruptError, not a wasm abort', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(2 ** 30, [0x41]), 1), 'zstd frame declares 1073741824 content bytes, index says 1');
  });

  it('rejects a frame whose declared size differs from the index', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(3, [7, 8, 9]), 4), 'zstd frame declares 3 content bytes, index says 4');
  });

  it('rejects a frame that declares 2^32 + 1 bytes (zstd-codec reads 32 bits of it)', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(2 ** 32 + 1, [7]), 1));
  });

  it('rejects a frame that declares the largest allowed size but holds one byte', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(MAX_COMPRESS_INPUT_BYTES, [7]), MAX_COMPRESS_INPUT_BYTES));
  });

  it('rejects empty input', () => {
    expectCorrupt(() => zstd.decompress(new Uint8Array(0), 0), 'zstd frame declares no content bytes, index says 0');
  });

  it('rejects a block compressed with a dictionary when read without it', () => {
    expectCorrupt(() => zstd.decompress(zstd.compress(text, 3, dictionary), text.length));
  });

  it('gives only CorruptError on truncated frames, random bytes and bit flips, and keeps working afterwards', () => {
    const compressed = zstd.compress(text, 3);
    for (let length = 0; length < compressed.length; length++)
      expectCorrupt(() => zstd.decompress(compressed.subarray(0, length), text.length));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 100_000 }), (bytes, rawSize) => {
        expectCorrupt(() => zstd.decompress(bytes, rawSize));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 7 }), (at, bit) => {
        const damaged = compressed.slice();
        const index = at % damaged.length;
        damaged[index] = (damaged[index] as number) ^ (1 << bit);
        try {
          expect(zstd.decompress(damaged, text.length)).toHaveLength(text.length);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptError);
        }
      }),
      { numRuns: 1000 },
    );
    expect(zstd.decompress(compressed, text.length)).toEqual(text);
  });
});
