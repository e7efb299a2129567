import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import roaring from 'roaring';
import { RoaringBitmap32 } from 'roaring-wasm';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../shared/codec/bytes';
import { CorruptError, type FormatError, TruncatedError } from '../../../shared/codec/errors';
import { andOrdinals, checkOrdinalBitmap, serializeOrdinals } from '../../../shared/codec/roaring';
import { checkPortableBitmap } from '../../../shared/codec/roaring-portable';

const FIXTURES = new URL('../../fixtures/roaring/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

/** The values both reference files hold (see test/fixtures/roaring/README.md). */
function referenceValues(): Uint32Array {
  const values: number[] = [];
  for (let k = 0; k < 100_000; k += 1000) values.push(k);
  for (let k = 100_000; k < 200_000; k++) values.push(3 * k);
  for (let k = 700_000; k < 800_000; k++) values.push(k);
  return Uint32Array.from(values);
}

function wasmValues(bytes: Uint8Array): Uint32Array {
  const bitmap = RoaringBitmap32.deserialize(bytes, 'portable');
  try {
    return bitmap.toUint32Array();
  } finally {
    bitmap.dispose();
  }
}

function nativeValues(bytes: Uint8Array): Uint32Array {
  return roaring.RoaringBitmap32.deserialize(Buffer.from(bytes), 'portable').toUint32Array();
}

/** Typed-array equality that stays fast on 200,000 values and names the first difference. */
function expectSameValues(actual: Uint32Array, expected: Uint32Array): void {
  const differs = actual.findIndex((value, i) => value !== expected[i]);
  expect({ length: actual.length, firstDifference: differs }).toEqual({ length: expected.length, firstDifference: -1 });
}

/** CRoaring's own portable serialization, and whether run optimisation changed the bitmap. */
function nativeSerialize(values: Uint32Array, optimize: boolean): { bytes: Uint8Array; changed: boolean } {
  const bitmap = new roaring.RoaringBitmap32(values);
  const changed = optimize && bitmap.runOptimize();
  return { bytes: new Uint8Array(bitmap.serialize('portable')), changed };
}

/**
 * True when some container's values take exactly as many bytes as runs as they do as an array
 * (2 + 4 * runs === 2 * cardinality). The two CRoaring builds break that tie differently:
 * roaring-wasm picks the run container, the native CRoaring 4.5 binding keeps the array.
 */
function hasRunArrayTie(values: Uint32Array): boolean {
  let key = -1;
  let card = 0;
  let runs = 0;
  let previous = -2;
  const tie = () => key >= 0 && card <= 4096 && 2 + 4 * runs === 2 * card;
  for (const value of values) {
    const high = value >>> 16;
    if (high !== key) {
      if (tie()) return true;
      key = high;
      card = 0;
      runs = 0;
      previous = -2;
    }
    card++;
    if (value !== previous + 1) runs++;
    previous = value;
  }
  return tie();
}

/** Ascending distinct ordinals mixing sparse values, runs and dense stretches across several containers. */
const ordinalSets = fc
  .array(
    fc.record({
      start: fc.nat({ max: 400_000 }),
      length: fc.integer({ min: 1, max: 9000 }),
      step: fc.constantFrom(1, 1, 2, 3, 17, 1000),
      keep: fc.double({ min: 0.05, max: 1, noNaN: true }),
      seed: fc.nat(),
    }),
    { minLength: 0, maxLength: 6 },
  )
  .map((segments) => {
    const values = new Set<number>();
    for (const { start, length, step, keep, seed } of segments) {
      let state = seed;
      for (let i = 0; i < length; i++) {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        if (keep === 1 || state / 2 ** 31 < keep) values.add(start + i * step);
      }
    }
    return Uint32Array.from([...values].sort((a, b) => a - b));
  });

/** Throws unless `action` either returns or throws a TruncatedError/CorruptError; returns what it returned. */
function formatErrorOrValue<T>(action: () => T): { value: T } | { error: FormatError } {
  try {
    return { value: action() };
  } catch (error) {
    if (!(error instanceof TruncatedError || error instanceof CorruptError)) throw error;
    return { error };
  }
}

describe('reference files from RoaringFormatSpec', () => {
  const expected = referenceValues();

  it.each(['bitmapwithruns.bin', 'bitmapwithoutruns.bin'])(
    '%s passes checkPortableBitmap with the right cardinality and maximum',
    (name) => {
      expect(checkPortableBitmap(fixture(name))).toEqual({ cardinality: 200_100, maximum: 799_999 });
    },
  );

  it.each(['bitmapwithruns.bin', 'bitmapwithoutruns.bin'])('%s deserializes with roaring-wasm to exactly the documented values', (name) => {
    expectSameValues(wasmValues(fixture(name)), expected);
  });

  it('uses both cookies: one file has run containers, the other none', () => {
    const cookie = (name: string) => new DataView(fixture(name).buffer).getUint16(0, true);
    expect([cookie('bitmapwithruns.bin'), cookie('bitmapwithoutruns.bin')]).toEqual([12_347, 12_346]);
  });

  it('checkOrdinalBitmap accepts them with the right cardinality and a limit above the maximum', () => {
    expect(() => checkOrdinalBitmap(fixture('bitmapwithruns.bin'), 200_100, 800_000)).not.toThrow();
  });

  it('serializeOrdinals writes the same values as the run-optimised reference file, byte for byte', () => {
    expect(serializeOrdinals(expected)).toEqual(fixture('bitmapwithruns.bin'));
  });
});

describe('serializeOrdinals', () => {
  it('writes a small array container as the hand-written portable bytes', () => {
    // cookie 12346 (no runs), 1 container; key 0, cardinality-1 3; offset 16; values 1, 2, 3, 1000
    const bytes = [0x3a, 0x30, 0, 0, 1, 0, 0, 0, 0, 0, 3, 0, 16, 0, 0, 0, 1, 0, 2, 0, 3, 0, 0xe8, 0x03];
    expect(Array.from(serializeOrdinals(Uint32Array.from([1, 2, 3, 1000])))).toEqual(bytes);
  });

  it('writes a run of 0..9999 as one run container', () => {
    // cookie 12347 with size-1 0 in the high half; run flags 0b1; key 0, cardinality-1 9999; 1 run: start 0, length-1 9999
    const bytes = [0x3b, 0x30, 0, 0, 1, 0, 0, 0x0f, 0x27, 1, 0, 0, 0, 0x0f, 0x27];
    expect(Array.from(serializeOrdinals(Uint32Array.from({ length: 10_000 }, (_, i) => i))).slice(0, 15)).toEqual(bytes);
  });

  it('writes an empty set as an empty bitmap', () => {
    const bytes = serializeOrdinals(new Uint32Array(0));
    expect(checkPortableBitmap(bytes)).toEqual({ cardinality: 0, maximum: -1 });
    expect(nativeValues(bytes)).toEqual(new Uint32Array(0));
  });

  it('matches CRoaring on a run/array tie only in the values: roaring-wasm writes the run, the native build the array', () => {
    const values = Uint32Array.from([0, 1, 2, 4, 5]); // 2 runs: 2 + 4 * 2 = 10 bytes, as the 5-value array
    expect(hasRunArrayTie(values)).toBe(true);
    const ours = serializeOrdinals(values);
    const native = nativeSerialize(values, true).bytes;
    expect(Array.from(ours)).toEqual([0x3b, 0x30, 0, 0, 1, 0, 0, 4, 0, 2, 0, 0, 0, 2, 0, 4, 0, 1, 0]);
    expect(new DataView(native.buffer).getUint16(0, true)).toBe(12_346);
    expectSameValues(nativeValues(ours), values);
    expectSameValues(wasmValues(native), values);
  });

  it('is byte-identical to the native CRoaring portable serialization (ties aside), which reads it back', () => {
    let identical = 0;
    fc.assert(
      fc.property(ordinalSets, (values) => {
        const ours = serializeOrdinals(values);
        expectSameValues(nativeValues(ours), values);
        expect(checkPortableBitmap(ours)).toEqual({ cardinality: values.length, maximum: values.length ? values[values.length - 1] : -1 });
        const optimised = nativeSerialize(values, true);
        const plain = nativeSerialize(values, false);
        expectSameValues(wasmValues(optimised.bytes), values);
        expectSameValues(wasmValues(plain.bytes), values);
        if (hasRunArrayTie(values)) return;
        expect(ours).toEqual(optimised.bytes);
        if (!optimised.changed) expect(ours).toEqual(plain.bytes);
        identical++;
      }),
      { numRuns: 150 },
    );
    expect(identical).toBeGreaterThan(100);
  });
});

describe('andOrdinals', () => {
  const universe = fc.constantFrom(200, 5000, 70_000, 300_000);
  const member = (size: number) =>
    fc.uniqueArray(fc.nat({ max: size - 1 }), { maxLength: 3000 }).map((v) => Uint32Array.from(v.sort((a, b) => a - b)));
  const denseMember = (size: number) =>
    fc
      .tuple(fc.nat({ max: size - 1 }), fc.integer({ min: 1, max: 20_000 }))
      .map(([start, length]) => Uint32Array.from({ length: Math.min(length, size - start) }, (_, i) => start + i));
  const mixes = universe.chain((size) =>
    fc.record({
      bitmaps: fc.array(fc.oneof(member(size), denseMember(size)), { maxLength: 4 }),
      lists: fc.array(fc.oneof(member(size), denseMember(size)), { maxLength: 4 }),
    }),
  );

  function bruteForce(sets: readonly Uint32Array[]): Uint32Array {
    const [first, ...rest] = sets;
    if (!first) return new Uint32Array(0);
    const others = rest.map((set) => new Set(set));
    return first.filter((value) => others.every((set) => set.has(value)));
  }

  it('equals the brute-force intersection for random mixes of bitmaps and inline lists', () => {
    fc.assert(
      fc.property(mixes, ({ bitmaps, lists }) => {
        const result = andOrdinals(bitmaps.map(serializeOrdinals), lists);
        expect(result).toBeInstanceOf(Uint32Array);
        expect(Array.from(result)).toEqual(Array.from(bruteForce([...bitmaps, ...lists])));
      }),
      { numRuns: 300 },
    );
  });

  it('is empty with no operands', () => {
    expect(andOrdinals([], [])).toEqual(new Uint32Array(0));
  });

  it('returns one bitmap or one list unchanged', () => {
    const values = Uint32Array.from([3, 70_000, 70_001, 300_000]);
    expect(andOrdinals([serializeOrdinals(values)], [])).toEqual(values);
    expect(andOrdinals([], [values])).toEqual(values);
  });
});

/** A hand-assembled portable bitmap, so hostile layouts can be written field by field. */
interface Container {
  key: number;
  /** Stored cardinality - 1, as the header holds it. */
  cardMinusOne: number;
  body: Uint8Array;
  run?: boolean;
}

function assemble(containers: readonly Container[], options: { runCookie: boolean; offsets?: number[] }): Uint8Array {
  const out = new ByteWriter();
  const size = containers.length;
  if (options.runCookie) {
    out.u16(12_347);
    out.u16(size - 1);
    const flags = new Uint8Array(Math.ceil(size / 8));
    containers.forEach((c, i) => {
      if (c.run) flags[i >> 3] = (flags[i >> 3] as number) | (1 << (i & 7));
    });
    out.bytes(flags);
  } else {
    out.u32(12_346);
    out.u32(size);
  }
  for (const c of containers) {
    out.u16(c.key);
    out.u16(c.cardMinusOne);
  }
  if (!options.runCookie || size >= 4) {
    let at = out.length + 4 * size;
    containers.forEach((c, i) => {
      out.u32(options.offsets?.[i] ?? at);
      at += c.body.length;
    });
  }
  for (const c of containers) out.bytes(c.body);
  return out.finish().slice();
}

function u16s(...values: number[]): Uint8Array {
  const out = new ByteWriter();
  for (const value of values) out.u16(value);
  return out.finish().slice();
}

const array = (key: number, ...values: number[]): Container => ({ key, cardMinusOne: values.length - 1, body: u16s(...values) });

describe('checkPortableBitmap', () => {
  it('agrees with roaring-wasm on a hand-assembled bitmap of every container kind', () => {
    const words = new Uint8Array(8192).fill(0xff, 0, 1024); // values 0..8191
    const bytes = assemble(
      [
        array(0, 5, 9),
        { key: 1, cardMinusOne: 8191, body: words },
        { key: 7, cardMinusOne: 8, body: u16s(2, 100, 4, 200, 3), run: true }, // runs 100..104 and 200..203
        array(9, 65_535),
      ],
      { runCookie: true },
    );
    expect(checkPortableBitmap(bytes)).toEqual({ cardinality: 2 + 8192 + 9 + 1, maximum: 9 * 65_536 + 65_535 });
    const values = wasmValues(bytes);
    expect(values.length).toBe(8204);
    expect(Array.from(values.slice(0, 3))).toEqual([5, 9, 65_536]);
    expect(Array.from(values.slice(-10))).toEqual([
      7 * 65_536 + 100,
      7 * 65_536 + 101,
      7 * 65_536 + 102,
      7 * 65_536 + 103,
      7 * 65_536 + 104,
      7 * 65_536 + 200,
      7 * 65_536 + 201,
      7 * 65_536 + 202,
      7 * 65_536 + 203,
      9 * 65_536 + 65_535,
    ]);
    expect(nativeValues(bytes)).toEqual(values);
  });

  const hostile: [string, Uint8Array, typeof TruncatedError | typeof CorruptError, string][] = [
    ['empty input', new Uint8Array(0), TruncatedError, 'roaring cookie needs 4 bytes at offset 0, only 0 remain'],
    [
      'a wrong cookie',
      Uint8Array.from([0x39, 0x30, 0, 0, 0, 0, 0, 0]),
      CorruptError,
      'roaring cookie 0x3039 is not a portable-format cookie',
    ],
    [
      'a wrong cookie whose low half is the no-run cookie',
      Uint8Array.from([0x3a, 0x30, 1, 0, 0, 0, 0, 0]),
      CorruptError,
      'roaring cookie 0x1303a is not a portable-format cookie',
    ],
    [
      'a huge container count',
      Uint8Array.from([0x3a, 0x30, 0, 0, 0xff, 0xff, 0xff, 0x7f]),
      CorruptError,
      'roaring container count 2147483647 exceeds 65536',
    ],
    [
      'a container count larger than the bytes',
      Uint8Array.from([0x3a, 0x30, 0, 0, 0, 0, 1, 0]),
      TruncatedError,
      'roaring container key needs 2 bytes at offset 8, only 0 remain',
    ],
    [
      'a run cookie with 65536 containers and no data',
      Uint8Array.from([0x3b, 0x30, 0xff, 0xff]),
      TruncatedError,
      'roaring run flags needs 8192 bytes at offset 4, only 0 remain',
    ],
    [
      'keys out of order',
      assemble([array(3, 1), array(2, 1)], { runCookie: false }),
      CorruptError,
      'roaring container keys out of order at 1',
    ],
    [
      'a repeated key',
      assemble([array(3, 1), array(3, 2)], { runCookie: false }),
      CorruptError,
      'roaring container keys out of order at 1',
    ],
    [
      'an offset that points elsewhere',
      assemble([array(0, 1), array(1, 2)], { runCookie: false, offsets: [24, 99] }),
      CorruptError,
      'roaring container 1 offset 99 does not match its position 26',
    ],
    [
      'an array that is not increasing',
      assemble([array(0, 5, 5)], { runCookie: false }),
      CorruptError,
      'roaring array container 0 is not strictly increasing',
    ],
    [
      'an array cardinality larger than its values',
      assemble([{ key: 0, cardMinusOne: 3, body: u16s(1, 2) }], { runCookie: false }),
      TruncatedError,
      'roaring array value needs 2 bytes at offset 20, only 0 remain',
    ],
    [
      'an array cardinality smaller than its values',
      assemble([{ key: 0, cardMinusOne: 0, body: u16s(1, 2) }], { runCookie: false }),
      CorruptError,
      'roaring bitmap has 2 trailing bytes',
    ],
    [
      'a bitmap container whose popcount differs from its cardinality',
      assemble([{ key: 0, cardMinusOne: 4999, body: new Uint8Array(8192).fill(0xff, 0, 600) }], { runCookie: false }),
      CorruptError,
      'roaring bitmap container 0 holds 4800 values, header says 5000',
    ],
    [
      'a cut bitmap container',
      assemble([{ key: 0, cardMinusOne: 4999, body: new Uint8Array(100) }], { runCookie: false }),
      TruncatedError,
      'roaring bitmap container needs 8192 bytes at offset 16, only 100 remain',
    ],
    [
      'run lengths that differ from the cardinality',
      assemble([{ key: 0, cardMinusOne: 9, body: u16s(1, 0, 4), run: true }], { runCookie: true }),
      CorruptError,
      'roaring run container 0 holds 5 values, header says 10',
    ],
    [
      'overlapping runs',
      assemble([{ key: 0, cardMinusOne: 9, body: u16s(2, 10, 4, 12, 4), run: true }], { runCookie: true }),
      CorruptError,
      'roaring run 1 of container 0 overlaps or overflows',
    ],
    [
      'a run past 65535',
      assemble([{ key: 0, cardMinusOne: 9, body: u16s(1, 65_530, 9), run: true }], { runCookie: true }),
      CorruptError,
      'roaring run 0 of container 0 overlaps or overflows',
    ],
    [
      'a run container with no runs',
      assemble([{ key: 0, cardMinusOne: 0, body: u16s(0), run: true }], { runCookie: true }),
      CorruptError,
      'roaring run container 0 holds 0 values, header says 1',
    ],
    [
      'trailing bytes',
      Uint8Array.from([...assemble([array(0, 1)], { runCookie: false }), 0]),
      CorruptError,
      'roaring bitmap has 1 trailing bytes',
    ],
  ];

  it.each(hostile)('rejects %s', (_name, bytes, Kind, message) => {
    expect(() => checkPortableBitmap(bytes)).toThrow(Kind);
    expect(() => checkPortableBitmap(bytes)).toThrow(message);
  });
});

describe('checkOrdinalBitmap', () => {
  const bytes = serializeOrdinals(Uint32Array.from([0, 5, 99]));

  it('accepts the cardinality the directory gives and a limit just above the maximum', () => {
    expect(() => checkOrdinalBitmap(bytes, 3, 100)).not.toThrow();
  });

  it('rejects a cardinality other than the directory says', () => {
    expect(() => checkOrdinalBitmap(bytes, 4, 100)).toThrow(CorruptError);
    expect(() => checkOrdinalBitmap(bytes, 4, 100)).toThrow('bitmap holds 3 values, directory says 4');
  });

  it('rejects a value at or past the entry count', () => {
    expect(() => checkOrdinalBitmap(bytes, 3, 99)).toThrow(CorruptError);
    expect(() => checkOrdinalBitmap(bytes, 3, 99)).toThrow('bitmap value 99 is outside 0..98');
  });
});

describe('hostile bitmaps give only TruncatedError or CorruptError', () => {
  const bases: Uint8Array[] = [
    serializeOrdinals(Uint32Array.from([1, 2, 3, 1000])),
    serializeOrdinals(Uint32Array.from({ length: 300 }, (_, i) => i * 7)),
    serializeOrdinals(Uint32Array.from({ length: 40 }, (_, i) => i * 70_000)), // 40 array containers, offsets
    serializeOrdinals(Uint32Array.from({ length: 3000 }, (_, i) => i + (i > 1500 ? 100_000 : 0))), // runs in 2 containers
    serializeOrdinals(Uint32Array.from({ length: 30 }, (_, i) => i * 9000 + (i % 3))), // runs and arrays, 5 containers
    serializeOrdinals(Uint32Array.from({ length: 6000 }, (_, i) => i * 3)), // one bitmap container
    assemble([array(0, 5, 9), { key: 7, cardMinusOne: 8, body: u16s(2, 100, 4, 200, 3), run: true }], { runCookie: true }),
  ];
  const limits = (bytes: Uint8Array) => checkPortableBitmap(bytes);

  /** Checks both checkers; when the bytes pass, both deserializers must see the cardinality and maximum reported. */
  function probe(bytes: Uint8Array): 'accepted' | 'rejected' {
    const outcome = formatErrorOrValue(() => checkPortableBitmap(bytes));
    if ('error' in outcome) {
      expect(formatErrorOrValue(() => checkOrdinalBitmap(bytes, 1, 1))).toHaveProperty('error');
      return 'rejected';
    }
    const { cardinality, maximum } = outcome.value;
    const values = wasmValues(bytes);
    expect(values.length).toBe(cardinality);
    expect(values.length ? values[values.length - 1] : -1).toBe(maximum);
    expectSameValues(nativeValues(bytes), values);
    expect(formatErrorOrValue(() => checkOrdinalBitmap(bytes, cardinality, maximum + 1))).toHaveProperty('value');
    return 'accepted';
  }

  it('bases are valid', () => {
    for (const base of bases) expect(limits(base).cardinality).toBeGreaterThan(0);
  });

  it('truncated at every length', () => {
    let cases = 0;
    for (const base of bases) {
      for (let length = 0; length < base.length; length++) {
        expect(probe(base.subarray(0, length))).toBe('rejected');
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(5000);
  });

  it('reference files truncated at many lengths', () => {
    for (const name of ['bitmapwithruns.bin', 'bitmapwithoutruns.bin']) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.length; length += length < 200 ? 1 : 397) {
        expect(probe(bytes.subarray(0, length))).toBe('rejected');
      }
    }
  });

  it('with one bit flipped anywhere: rejected, or accepted and read identically by both deserializers', () => {
    const outcomes = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.nat(), fc.nat({ max: 7 }), (which, at, bit) => {
        const bytes = (bases[which] as Uint8Array).slice();
        const index = at % bytes.length;
        bytes[index] = (bytes[index] as number) ^ (1 << bit);
        outcomes[probe(bytes)]++;
      }),
      { numRuns: 4000 },
    );
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  it('random bytes, bare or behind a valid cookie', () => {
    const cookies = fc.constantFrom(
      new Uint8Array(0),
      Uint8Array.from([0x3a, 0x30, 0, 0]),
      Uint8Array.from([0x3b, 0x30, 0, 0]),
      Uint8Array.from([0x3b, 0x30, 3, 0]),
    );
    fc.assert(
      fc.property(cookies, fc.uint8Array({ maxLength: 300 }), (cookie, tail) => {
        probe(Uint8Array.from([...cookie, ...tail]));
      }),
      { numRuns: 3000 },
    );
  });
});
