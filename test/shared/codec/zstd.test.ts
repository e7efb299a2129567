import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { type BlockCompressor, loadZstd } from '../../../shared/codec/zstd';
import { frameContentSize } from '../../../shared/codec/zstd-frame';
import { nativeZstd } from '../../../shared/codec/zstd-native';
import { loadPortableZstd, PORTABLE_MAX_INPUT_BYTES } from '../../../shared/codec/zstd-portable';

let portable: BlockCompressor;
beforeAll(async () => {
  portable = await loadPortableZstd();
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

describe('loadZstd', () => {
  it('is the native codec', async () => {
    expect(await loadZstd()).toBe(nativeZstd);
  });
});

describe.each([
  ['native (node:zlib)', () => nativeZstd],
  ['portable (zstd-codec)', () => portable],
])('zstd block compressor, %s', (_name, codec) => {
  let zstd: BlockCompressor;
  beforeAll(() => {
    zstd = codec();
  });

  it('round-trips with and without a dictionary', () => {
    expect(zstd.decompress(zstd.compress(text, 3), text.length)).toEqual(text);
    const withDictionary = zstd.compress(text, 3, dictionary);
    expect(zstd.decompress(withDictionary, text.length, dictionary)).toEqual(text);
  });

  it('writes frames that declare their content size', () => {
    expect(frameContentSize(zstd.compress(text, 5, dictionary))).toBe(text.length);
    expect(frameContentSize(zstd.compress(new Uint8Array(0), 5))).toBe(0);
  });

  it('decodes a hand-made raw-block frame', () => {
    expect(Array.from(zstd.decompress(frameDeclaring(3, [7, 8, 9]), 3))).toEqual([7, 8, 9]);
  });

  it('rejects a frame that declares 1 GiB with a CorruptError, before allocating it', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(2 ** 30, [0x41]), 1), 'zstd frame declares 1073741824 content bytes, index says 1');
  });

  it('rejects a frame whose declared size differs from the index', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(3, [7, 8, 9]), 4), 'zstd frame declares 3 content bytes, index says 4');
  });

  it('rejects a frame that declares 2^32 + 1 bytes (a 32-bit reader would see 1)', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(2 ** 32 + 1, [7]), 1), 'zstd frame declares 4294967297 content bytes, index says 1');
  });

  it('rejects a frame that declares a large size but holds one byte', () => {
    expectCorrupt(() => zstd.decompress(frameDeclaring(PORTABLE_MAX_INPUT_BYTES, [7]), PORTABLE_MAX_INPUT_BYTES));
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

describe('portable zstd', () => {
  it('refuses a raw size its 16 MB heap cannot hold, before touching the data', () => {
    expectCorrupt(
      () => portable.decompress(text, PORTABLE_MAX_INPUT_BYTES + 1),
      `block raw size 4194305 exceeds ${PORTABLE_MAX_INPUT_BYTES}`,
    );
  });
});

describe('native zstd', () => {
  it('has no input cap: 8 MiB, past the portable limit, round-trips', () => {
    const big = new Uint8Array(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2_654_435_761) >>> 27;
    const compressed = nativeZstd.compress(big, 3);
    // Compared as buffers: a deep equality over 8 million elements takes minutes.
    expect(Buffer.compare(nativeZstd.decompress(compressed, big.length), big)).toBe(0);
  });
});

describe('native and portable zstd read each other', () => {
  const levels = fc.integer({ min: 1, max: 9 });
  // Blocks are never empty. Repeats make frames with matches, as texts do; random bytes make raw blocks.
  const data = fc
    .uint8Array({ minLength: 1, maxLength: 20_000 })
    .chain((bytes) =>
      fc
        .nat({ max: 4 })
        .map((times) => Uint8Array.from({ length: bytes.length * (times + 1) }, (_, i) => bytes[i % bytes.length] as number)),
    );
  const dictionaries = fc.option(fc.uint8Array({ minLength: 8, maxLength: 4096 }), { nil: undefined });

  it('every frame one writes, the other reads, with and without a dictionary', () => {
    fc.assert(
      fc.property(data, levels, dictionaries, (raw, level, dict) => {
        const fromNative = nativeZstd.compress(raw, level, dict);
        const fromPortable = portable.compress(raw, level, dict);
        expect(portable.decompress(fromNative, raw.length, dict)).toEqual(raw);
        expect(nativeZstd.decompress(fromPortable, raw.length, dict)).toEqual(raw);
      }),
      { numRuns: 100 },
    );
  });

  it('read texts compressed with a dictionary sampled from them, as chunks store them', () => {
    const words = fc.constantFrom('player', 'monster', 'attacked', 'healed', 'sword', 'gold', 'quest', ' ', ';');
    fc.assert(
      fc.property(fc.array(words, { minLength: 1, maxLength: 2000 }), levels, (parts, level) => {
        const raw = new TextEncoder().encode(parts.join(''));
        const dict = raw.subarray(0, Math.max(8, raw.length >> 3));
        expect(portable.decompress(nativeZstd.compress(raw, level, dict), raw.length, dict)).toEqual(raw);
        expect(nativeZstd.decompress(portable.compress(raw, level, dict), raw.length, dict)).toEqual(raw);
      }),
      { numRuns: 100 },
    );
  });
});
