import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../shared/codec/bytes';
import { crc32 } from '../../../shared/codec/checksum';
import { CorruptError, FormatError, TruncatedError } from '../../../shared/codec/errors';
import { DAY_MS, dayName } from '../../../shared/layout/day';
import type { ChunkRecord, Manifest } from '../../../shared/manifest/manifest';
import { decodeManifest, encodeManifest } from '../../../shared/manifest/manifest-codec';

const DAY = 20_635; // 2026-07-01
const START = DAY * DAY_MS;
const KEY = 'v1/2026-07-01/w/shardId-000000000000/manifest.json';
const MD5 = '"5d41402abc4b2a76b9719d911017c592"';
const KINESIS = '49590338271490256608559692538361571095921575989136588898';

function chunk(seq: number, overrides: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    seq,
    entries: 30,
    minTime: START + 15_000 * seq,
    maxTime: START + 15_000 * seq + 14_000,
    headSize: 900,
    indexSize: 2400,
    size: 5600,
    etag: MD5,
    watermark: `${KINESIS.slice(0, -6)}${String(100_000 + 30 * seq + 29)}`,
    first: `${KINESIS.slice(0, -6)}${String(100_000 + 30 * seq)}`,
    ...overrides,
  };
}

function manifestOf(chunks: ChunkRecord[]): Manifest {
  return { writer: 'shardId-000000000000', day: DAY, chunks };
}

/** The JSON form (format 1) of a manifest. */
function jsonOf(manifest: Manifest): string {
  return JSON.stringify({
    format: 'tales.manifest',
    version: 1,
    writer: manifest.writer,
    day: dayName(manifest.day),
    chunks: manifest.chunks,
  });
}

function thrown(decode: () => unknown): unknown {
  try {
    decode();
  } catch (error) {
    return error;
  }
  throw new Error('decoded without an error');
}

/** A binary manifest around `body`, with a correct length and checksum. */
function framed(body: Uint8Array): Uint8Array {
  const out = new ByteWriter();
  out.bytes(Uint8Array.from([0x54, 0x4d, 0x4e, 0x46, 2]));
  out.u32(body.length);
  out.bytes(body);
  out.u32(crc32(body));
  return out.finish();
}

describe('binary manifest (format 2)', () => {
  it.each<[string, ChunkRecord[]]>([
    ['no chunk', []],
    ['one chunk', [chunk(0)]],
    ['a chunk without `first` (written before it was recorded)', [chunk(0, { first: undefined })]],
    [
      'ETags that are not a quoted MD5',
      [chunk(0, { etag: '"9b2cf535f27731c974343645a3985328-2"' }), chunk(1, { etag: '' }), chunk(2, { etag: '"ÄBC"' })],
    ],
    ['an upper-case hex ETag, kept as it is', [chunk(0, { etag: '"5D41402ABC4B2A76B9719D911017C592"' })]],
    [
      'watermarks of 1 and 128 digits',
      [chunk(0, { watermark: '0', first: '0' }), chunk(1, { watermark: `9${'8'.repeat(127)}`, first: '1' })],
    ],
    [
      'equal watermarks, a first equal to its watermark',
      [chunk(0, { first: chunk(0).watermark }), chunk(1, { watermark: chunk(0).watermark, first: chunk(0).watermark })],
    ],
    [
      'a watermark one digit longer than the one before',
      [chunk(0, { watermark: '99', first: '9' }), chunk(1, { watermark: '100', first: '100' })],
    ],
    ['times at both ends of the day', [chunk(0, { minTime: START, maxTime: START + DAY_MS - 1 })]],
    ['sizes beyond 2^32', [chunk(0, { headSize: 2 ** 33, indexSize: 2 ** 34, size: 2 ** 40, entries: 2 ** 31 })]],
  ])('round-trips %s', (_name, chunks) => {
    const manifest = manifestOf(chunks);
    expect(decodeManifest(encodeManifest(manifest), KEY)).toEqual(manifest);
  });

  it('round-trips any valid manifest', () => {
    const digits = fc.stringMatching(/^[1-9]\d{0,60}$/);
    const record = fc.record({
      entries: fc.integer({ min: 1, max: 2 ** 31 }),
      start: fc.integer({ min: 0, max: DAY_MS - 1 }),
      span: fc.nat(),
      headSize: fc.nat(),
      index: fc.nat(),
      rest: fc.integer({ min: 1, max: 2 ** 40 }),
      etag: fc.oneof(fc.stringMatching(/^"[0-9a-f]{32}"$/), fc.string()),
      delta: fc.bigInt({ min: 0n, max: 10n ** 40n }),
      below: fc.option(fc.bigInt({ min: 0n, max: 10n ** 40n })),
    });
    fc.assert(
      fc.property(digits, fc.array(record, { maxLength: 20 }), (base, records) => {
        let watermark = BigInt(base);
        const chunks = records.map((r, seq): ChunkRecord => {
          watermark += r.delta;
          const first = r.below === null ? undefined : watermark - (r.below > watermark ? watermark : r.below);
          return {
            seq,
            entries: r.entries,
            minTime: START + r.start,
            maxTime: START + r.start + (r.span % (DAY_MS - r.start)),
            headSize: r.headSize,
            indexSize: r.headSize + r.index,
            size: r.headSize + r.index + r.rest,
            etag: r.etag,
            watermark: String(watermark),
            ...(first === undefined ? {} : { first: String(first) }),
          };
        });
        const manifest = manifestOf(chunks);
        expect(decodeManifest(encodeManifest(manifest), KEY)).toEqual(manifest);
      }),
    );
  });

  it('encodes a chunk in the documented bytes', () => {
    const manifest: Manifest = {
      writer: 'w',
      day: DAY,
      chunks: [
        {
          seq: 0,
          entries: 2,
          minTime: START + 1,
          maxTime: START + 3,
          headSize: 40,
          indexSize: 50,
          size: 60,
          etag: MD5,
          watermark: '1234',
          first: '1200',
        },
      ],
    };
    const body = [
      ...[1, 0x77], // writer: length 1, "w"
      ...[0x9b, 0xa1, 0x01], // day 20635
      1, // one chunk
      3, // flags: MD5 ETag, first
      ...[2, 1, 2, 40, 10, 10], // entries, minTime − day start, maxTime − minTime, head, index − head, size − index
      ...Buffer.from(MD5.slice(1, -1), 'hex'),
      ...[0, 4, 0x12, 0x34], // watermark: 0 digits shared, 4 digits "1234"
      ...[2, 2, 0x00], // first: 2 digits shared with the watermark ("12"), 2 digits "00"
    ];
    expect(Array.from(encodeManifest(manifest))).toEqual(Array.from(framed(Uint8Array.from(body))));
    expect(decodeManifest(framed(Uint8Array.from(body)), KEY)).toEqual(manifest);
  });

  it('stores a day of 30-event chunks in under a fifth of the JSON form', () => {
    const manifest = manifestOf(Array.from({ length: 1440 }, (_, seq) => chunk(seq)));
    const binary = encodeManifest(manifest).length;
    expect(binary * 5).toBeLessThan(Buffer.byteLength(jsonOf(manifest)));
  });

  it('reads the JSON form (format 1), which starts with `{`, as well', () => {
    const manifest = manifestOf([chunk(0), chunk(1)]);
    expect(decodeManifest(new TextEncoder().encode(jsonOf(manifest)), KEY)).toEqual(manifest);
  });
});

describe('binary manifest, hostile input', () => {
  const good = encodeManifest(manifestOf([chunk(0), chunk(1), chunk(2, { etag: '"x-1"', first: undefined })]));

  it('is a TruncatedError naming the key when cut short anywhere after its magic', () => {
    for (let length = 4; length < good.length; length++) {
      const error = thrown(() => decodeManifest(good.subarray(0, length), KEY));
      expect(error, `cut at ${length}`).toBeInstanceOf(TruncatedError);
      expect((error as TruncatedError).key).toBe(KEY);
    }
    expect(thrown(() => decodeManifest(good.subarray(0, 9), KEY))).toEqual(
      new TruncatedError(`manifest of ${good.length - 13} body bytes needs ${good.length} bytes, only 9 are stored`, KEY),
    );
  });

  it.each<[string, (bytes: Uint8Array) => Uint8Array, string]>([
    ['another version', (b) => Uint8Array.from([...b.subarray(0, 4), 3, ...b.subarray(5)]), 'unsupported manifest version 3'],
    ['bytes after the checksum', (b) => Uint8Array.from([...b, 0]), 'manifest has 1 bytes after its checksum'],
    [
      'a flipped body bit',
      (b) => Uint8Array.from(b.map((byte, i) => (i === 20 ? byte ^ 1 : byte))),
      'manifest checksum mismatch (stored 0x',
    ],
  ])('is a CorruptError naming the key for %s', (_name, edit, message) => {
    const error = thrown(() => decodeManifest(edit(good), KEY));
    expect(error).toBeInstanceOf(CorruptError);
    expect((error as Error).message).toContain(`${KEY}: ${message}`);
  });

  it.each<[string, number[], string]>([
    ['unknown flags', [1, 0x77, 0x9b, 0xa1, 0x01, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0], 'invalid manifest: chunk 0 has unknown flags 4'],
    [
      'more chunks than the body can hold',
      [1, 0x77, 0x9b, 0xa1, 0x01, 2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0x10],
      'chunk count is 2, over its maximum 1',
    ],
    [
      'a writer escaping its folder',
      [2, 0x2e, 0x2e, 0x9b, 0xa1, 0x01, 0],
      'invalid manifest: invalid writer id ".." (letters, digits, _ . - only)',
    ],
    ['a day past 9999-12-31', [1, 0x77, 0xff, 0xff, 0xff, 0x01, 0], 'day is 4194303, over its maximum 2932896'],
    [
      'bytes after the last chunk',
      [1, 0x77, 0x9b, 0xa1, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'invalid manifest: 9 bytes after the last chunk',
    ],
    [
      'a digit nibble above 9',
      [1, 0x77, 0x9b, 0xa1, 0x01, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0xa0],
      'invalid manifest: chunk 0 watermark holds a nibble 10 that is not a decimal digit',
    ],
    [
      'a watermark with a leading zero',
      [1, 0x77, 0x9b, 0xa1, 0x01, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 2, 0x01],
      'invalid manifest: chunk 0 watermark must be a Kinesis sequence number',
    ],
    [
      'a chunk that the model refuses (no entries)',
      [1, 0x77, 0x9b, 0xa1, 0x01, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0x10],
      'invalid manifest: chunk 0 has no entries',
    ],
    [
      'a body that ends inside a chunk',
      [1, 0x77, 0x9b, 0xa1, 0x01, 1, 0, 1, 0, 0, 0, 0, 1, 5, 0x41],
      'invalid manifest: chunk 0 etag needs 5 bytes at offset 14, only 1 remain',
    ],
  ])('is a CorruptError naming the key for a checksummed body with %s', (_name, body, message) => {
    const error = thrown(() => decodeManifest(framed(Uint8Array.from(body)), KEY));
    expect(error).toBeInstanceOf(CorruptError);
    expect((error as Error).message).toBe(`${KEY}: ${message}`);
  });

  it('never decodes a manifest with any one bit flipped', () => {
    fc.assert(
      fc.property(fc.nat({ max: good.length * 8 - 1 }), (bit) => {
        const flipped = Uint8Array.from(good);
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        const error = thrown(() => decodeManifest(flipped, KEY));
        expect(error).toBeInstanceOf(FormatError);
        expect((error as FormatError).key).toBe(KEY);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers random bytes after the magic with a TruncatedError or a CorruptError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const error = thrown(() => decodeManifest(Uint8Array.from([0x54, 0x4d, 0x4e, 0x46, ...tail]), KEY));
        expect(error instanceof TruncatedError || error instanceof CorruptError).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers a checksummed random body with a CorruptError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        expect(thrown(() => decodeManifest(framed(body), KEY))).toBeInstanceOf(CorruptError);
      }),
      { numRuns: 2000 },
    );
  });
});
