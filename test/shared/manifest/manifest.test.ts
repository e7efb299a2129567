import { describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { DAY_MS, dayName } from '../../../shared/layout/day';
import { appendChunk, type ChunkRecord, chunkRecordOf, type Manifest, nextSequence, watermarkOf } from '../../../shared/manifest/manifest';
import { decodeJsonManifest } from '../../../shared/manifest/manifest-json';
import { compareSequenceNumbers, isSequenceNumber } from '../../../shared/manifest/sequence-number';

const DAY = 20_635; // 2026-07-01
const START = DAY * DAY_MS;
const KEY = 'v1/2026-07-01/w/shardId-000000000000/manifest.json';
const WATERMARK_1 = '49650000000000000000000000000000000000000000000001';
const WATERMARK_2 = '49650000000000000000000000000000000000000000000002';

function chunk(seq: number, overrides: Partial<ChunkRecord> = {}): ChunkRecord {
  return {
    seq,
    entries: 10,
    minTime: START + 1000 * seq,
    maxTime: START + 1000 * seq + 500,
    headSize: 200,
    indexSize: 300,
    size: 5000,
    etag: `"etag-${seq}"`,
    watermark: seq === 0 ? WATERMARK_1 : WATERMARK_2,
    ...overrides,
  };
}

const manifest: Manifest = { writer: 'shardId-000000000000', day: DAY, chunks: [chunk(0), chunk(1)] };

/** `manifest` in the JSON form (format 1), as the writer stored it before the binary form. */
function jsonOf(manifest: Manifest): string {
  return JSON.stringify({
    format: 'tales.manifest',
    version: 1,
    writer: manifest.writer,
    day: dayName(manifest.day),
    chunks: manifest.chunks,
  });
}

/** The stored JSON of `manifest` with `edit` applied to the parsed object. */
function stored(edit: (json: Record<string, unknown> & { chunks: Record<string, unknown>[] }) => void): string {
  const json = JSON.parse(jsonOf(manifest));
  edit(json);
  return JSON.stringify(json);
}

/** The stored JSON of `manifest` with its top-level `field` set to `value`. */
function storedWith(field: string, value: unknown): string {
  return stored((json) => {
    json[field] = value;
  });
}

/** The CorruptError naming KEY that decoding `text` throws. */
function rejection(text: string): CorruptError {
  let thrown: unknown;
  try {
    decodeJsonManifest(text, KEY);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CorruptError);
  expect((thrown as CorruptError).key).toBe(KEY);
  return thrown as CorruptError;
}

function expectRejected(text: string, reason: string): void {
  expect(rejection(text).message).toBe(`${KEY}: invalid manifest: ${reason}`);
}

describe('JSON manifest (format 1)', () => {
  it('round-trips a manifest', () => {
    expect(decodeJsonManifest(jsonOf(manifest), KEY)).toEqual(manifest);
  });

  it('round-trips an empty manifest', () => {
    const empty: Manifest = { writer: 'shardId-000000000007', day: DAY, chunks: [] };
    expect(decodeJsonManifest(jsonOf(empty), KEY)).toEqual(empty);
  });

  it('stores the format, version and day name', () => {
    expect(JSON.parse(jsonOf(manifest))).toMatchObject({
      format: 'tales.manifest',
      version: 1,
      writer: 'shardId-000000000000',
      day: '2026-07-01',
    });
  });

  it("round-trips a chunk's first sequence number, and reads a chunk without one", () => {
    const withFirst = { ...manifest, chunks: [chunk(0, { first: '4965' }), chunk(1)] };
    expect(decodeJsonManifest(jsonOf(withFirst), KEY)).toEqual(withFirst);
  });

  it('keeps a 128-digit watermark exactly', () => {
    const watermark = `9${'8'.repeat(127)}`;
    const big = { ...manifest, chunks: [chunk(0, { watermark })] };
    expect(watermarkOf(decodeJsonManifest(jsonOf(big), KEY))).toBe(watermark);
  });

  it('ignores a __proto__ key without polluting Object.prototype', () => {
    const text = stored((json) => {
      json.chunks[0] = { ...json.chunks[0] };
    }).replace('{"format"', '{"__proto__":{"polluted":true},"format"');
    expect(decodeJsonManifest(text, KEY)).toEqual(manifest);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not take fields from a __proto__ object', () => {
    const text = stored((json) => {
      delete json.format;
    }).replace('{', '{"__proto__":{"format":"tales.manifest"},');
    expectRejected(text, 'format is undefined, expected "tales.manifest"');
    expect(({} as Record<string, unknown>).format).toBeUndefined();
  });

  it('does not take chunk fields from a __proto__ object', () => {
    const text = stored((json) => {
      delete json.chunks[0]?.etag;
    }).replace('"seq":0', '"__proto__":{"etag":"x"},"seq":0');
    expectRejected(text, 'chunk 0 etag must be a string');
  });
});

describe('decodeJsonManifest rejects, naming the key', () => {
  it.each([
    ['non-JSON', 'not json', 'Unexpected token'],
    ['an empty object body', '', 'Unexpected end of JSON input'],
  ])('%s', (_name, text, fragment) => {
    const { message } = rejection(text);
    expect(message).toContain(`${KEY}: invalid manifest: `);
    expect(message).toContain(fragment);
  });

  it.each([
    ['a JSON array', '[]', 'manifest must be an object'],
    ['JSON null', 'null', 'manifest must be an object'],
    ['a wrong format', storedWith('format', 'other'), 'format is "other", expected "tales.manifest"'],
    ['a wrong version', storedWith('version', 2), 'unsupported version 2'],
    ['a version as a string', storedWith('version', '1'), 'unsupported version "1"'],
    ['a writer that is not a string', storedWith('writer', 7), 'writer must be a string'],
    ['a writer escaping its folder', storedWith('writer', '../x'), 'invalid writer id "../x" (letters, digits, _ . - only)'],
    ['a writer of ".."', storedWith('writer', '..'), 'invalid writer id ".." (letters, digits, _ . - only)'],
    ['an empty writer', storedWith('writer', ''), 'invalid writer id "" (letters, digits, _ . - only)'],
    ['a day that is not a string', storedWith('day', DAY), 'day must be a string'],
    ['an impossible day', storedWith('day', '2026-02-30'), 'not a UTC day name: "2026-02-30"'],
    ['an unpadded day', storedWith('day', '2026-7-1'), 'not a UTC day name: "2026-7-1"'],
    ['chunks that are not an array', storedWith('chunks', {}), 'chunks must be an array'],
    ['a chunk that is not an object', storedWith('chunks', [5]), 'chunk 0 must be an object'],
    ['a chunk that is null', storedWith('chunks', [null]), 'chunk 0 must be an object'],
  ])('%s', (_name, text, reason) => {
    expectRejected(text, reason);
  });

  it.each([
    ['seq', 'a string', '0'],
    ['seq', 'negative', -1],
    ['entries', 'a fraction', 1.5],
    ['entries', 'null', null],
    ['minTime', 'a string', String(START)],
    ['maxTime', 'beyond 2^53', 2 ** 53],
    ['headSize', 'negative', -200],
    ['indexSize', 'a boolean', true],
    ['size', 'missing', undefined],
  ])('chunk %s that is %s', (field, _what, value) => {
    expectRejected(
      stored((j) => {
        (j.chunks[1] as Record<string, unknown>)[field] = value;
      }),
      `chunk 1 ${field} must be a non-negative integer`,
    );
  });

  it.each([
    ['a number', 5],
    ['missing', undefined],
  ])('a chunk etag that is %s', (_what, value) => {
    expectRejected(
      stored((j) => {
        (j.chunks[0] as Record<string, unknown>).etag = value;
      }),
      'chunk 0 etag must be a string',
    );
  });

  it.each([
    ['a number', 12345],
    ['non-numeric', '12a45'],
    ['empty', ''],
    ['with a leading zero', '0123'],
    ['negative', '-1'],
    ['129 digits', '1'.repeat(129)],
  ])('a watermark that is %s', (_what, value) => {
    expectRejected(
      stored((j) => {
        (j.chunks[0] as Record<string, unknown>).watermark = value;
      }),
      'chunk 0 watermark must be a Kinesis sequence number',
    );
  });

  it('sequences that do not count from 0', () => {
    expectRejected(
      stored((j) => {
        j.chunks = j.chunks.map((c) => ({ ...c, seq: (c.seq as number) + 1 }));
      }),
      'chunk 0 has sequence 1; sequences must count up from 0',
    );
  });

  it('a sequence that skips', () => {
    expectRejected(
      stored((j) => {
        (j.chunks[1] as Record<string, unknown>).seq = 2;
      }),
      'chunk 1 has sequence 2; sequences must count up from 0',
    );
  });

  it('a chunk with no entries', () => {
    expectRejected(
      stored((j) => {
        (j.chunks[0] as Record<string, unknown>).entries = 0;
      }),
      'chunk 0 has no entries',
    );
  });

  it.each([
    ['before the day', { minTime: START - 1 }, `chunk 0 times ${START - 1}..${START + 500} are not within 2026-07-01`],
    ['after the day', { maxTime: START + DAY_MS }, `chunk 0 times ${START}..${START + DAY_MS} are not within 2026-07-01`],
    ['reversed', { minTime: START + 600 }, `chunk 0 times ${START + 600}..${START + 500} are not within 2026-07-01`],
  ])('times %s', (_name, times, reason) => {
    expectRejected(
      stored((j) => {
        Object.assign(j.chunks[0] as Record<string, unknown>, times);
      }),
      reason,
    );
  });

  it.each([
    ['a head larger than the index', { headSize: 301 }, 'chunk 0 sizes are inconsistent (head 301, index 300, object 5000)'],
    ['an index as large as the object', { indexSize: 5000 }, 'chunk 0 sizes are inconsistent (head 200, index 5000, object 5000)'],
    ['an object smaller than the index', { size: 10 }, 'chunk 0 sizes are inconsistent (head 200, index 300, object 10)'],
  ])('sizes with %s', (_name, sizes, reason) => {
    expectRejected(
      stored((j) => {
        Object.assign(j.chunks[0] as Record<string, unknown>, sizes);
      }),
      reason,
    );
  });

  it('a first sequence number that is not one', () => {
    expect(() =>
      decodeJsonManifest(
        stored((j) => Object.assign(j.chunks[0] as object, { first: '01' })),
        KEY,
      ),
    ).toThrow('chunk 0 first must be a Kinesis sequence number');
  });

  it('a first sequence number above the watermark', () => {
    expect(() =>
      decodeJsonManifest(
        stored((j) => Object.assign(j.chunks[0] as object, { first: `${WATERMARK_1}0` })),
        KEY,
      ),
    ).toThrow(`chunk 0 first ${WATERMARK_1}0 is above its watermark`);
  });

  it('a watermark going backwards', () => {
    expectRejected(
      stored((j) => {
        (j.chunks[1] as Record<string, unknown>).watermark = '4965';
      }),
      'chunk 1 watermark goes backwards',
    );
  });
});

describe('appendChunk', () => {
  const empty: Manifest = { writer: 'shardId-000000000000', day: DAY, chunks: [] };

  it('appends chunks with the next sequence, leaving the original unchanged', () => {
    const one = appendChunk(empty, chunk(0));
    const two = appendChunk(one, chunk(1));
    expect(two.chunks).toEqual([chunk(0), chunk(1)]);
    expect(one.chunks).toHaveLength(1);
    expect(empty.chunks).toHaveLength(0);
  });

  it('accepts an equal watermark', () => {
    expect(appendChunk(manifest, chunk(2, { watermark: WATERMARK_2 })).chunks).toHaveLength(3);
  });

  it.each([
    ['a repeated sequence', chunk(1), 'chunk 2 has sequence 1; sequences must count up from 0'],
    ['a skipped sequence', chunk(3), 'chunk 2 has sequence 3; sequences must count up from 0'],
    ['a watermark going backwards', chunk(2, { watermark: WATERMARK_1 }), 'chunk 2 watermark goes backwards'],
    ['a shorter, smaller watermark', chunk(2, { watermark: '9' }), 'chunk 2 watermark goes backwards'],
    ['times of another day', chunk(2, { minTime: START + DAY_MS, maxTime: START + DAY_MS }), /chunk 2 times .* are not within 2026-07-01/],
  ])('rejects %s', (_name, next, message) => {
    expect(() => appendChunk(manifest, next)).toThrow(message);
  });

  it('chunkRecordOf records a built chunk with its sequence, etag and sequence-number range', () => {
    const built = {
      bytes: new Uint8Array(5000),
      day: DAY,
      entryCount: 10,
      minTime: START,
      maxTime: START + 500,
      headSize: 200,
      indexSize: 300,
    };
    expect(chunkRecordOf(built, 0, '"etag-0"', '4965', WATERMARK_1)).toEqual({ ...chunk(0), first: '4965' });
  });

  it('nextSequence and watermarkOf follow the chunks', () => {
    expect([nextSequence(undefined), watermarkOf(undefined)]).toEqual([0, undefined]);
    expect([nextSequence(empty), watermarkOf(empty)]).toEqual([0, undefined]);
    expect([nextSequence(manifest), watermarkOf(manifest)]).toEqual([2, WATERMARK_2]);
  });
});

describe('Kinesis sequence numbers', () => {
  const big = `1${'0'.repeat(127)}`;
  const bigger = `1${'0'.repeat(126)}1`;

  it.each([
    ['equal', '42', '42', 0],
    ['shorter is smaller', '9', '10', -1],
    ['longer is larger', '100', '99', 1],
    ['same length, by digits', '4965000000000000001', '4965000000000000002', -1],
    ['zero', '0', '1', -1],
    ['128 digits, equal', big, big, 0],
    ['128 digits, last digit', bigger, big, 1],
    ['128 against 127 digits', big, '9'.repeat(127), 1],
    [
      '56-digit Kinesis numbers',
      '49590338271490256608559692538361571095921575989136588898',
      '49590338271490256608559692540925702759324208523137515618',
      -1,
    ],
  ])('orders %s', (_name, a, b, sign) => {
    expect(Math.sign(compareSequenceNumbers(a, b))).toBe(sign);
    expect(Math.sign(compareSequenceNumbers(b, a))).toBe(-sign || 0);
  });

  it('sorts a shuffled list numerically', () => {
    const sorted = ['0', '7', '10', '99', '100', '4965', big, bigger];
    expect([...sorted].reverse().sort(compareSequenceNumbers)).toEqual(sorted);
  });

  it.each([
    ['0', true],
    ['123', true],
    [big, true],
    ['1'.repeat(129), false],
    ['', false],
    ['01', false],
    ['1.5', false],
    [' 1', false],
    [12, false],
    [null, false],
  ])('isSequenceNumber(%j) is %s', (value, expected) => {
    expect(isSequenceNumber(value)).toBe(expected);
  });
});
