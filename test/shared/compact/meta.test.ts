import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptError } from '../../../shared/codec/errors';
import { type CompactMeta, coveredChunks, decodeCompactMeta, encodeCompactMeta, sourceOf } from '../../../shared/compact/meta';

const KEY = 'v1/2026-07-01/compact/meta.json';
const DAY = 20_635;
const T = DAY * 86_400_000;

const source = (writer: string, seq: number, base: number, firstBlock: number) => ({
  writer,
  seq,
  etag: `"e${seq}"`,
  entries: 10,
  base,
  firstBlock,
  blocks: 2,
  minTime: T + 1,
  maxTime: T + 9,
});

const META: CompactMeta = {
  version: 1,
  day: DAY,
  generation: '0123456789abcdef',
  headSize: 300,
  indexSize: 900,
  indexEtag: '"i"',
  dataSize: 5000,
  dataEtag: '"d-1"',
  sources: [source('shardId-000000000000', 0, 0, 0), source('shardId-000000000000', 1, 10, 2), source('shardId-000000000001', 0, 20, 4)],
  committedAt: T + 2 * 86_400_000,
};

const REENCODED: CompactMeta = {
  version: 2,
  day: DAY,
  generation: '0123456789abcdef',
  headSize: 300,
  indexSize: 900,
  indexEtag: '"i"',
  dataSize: 5000,
  dataEtag: '"d"',
  entries: 30,
  minTime: T + 1,
  maxTime: T + 9,
  writers: [
    { writer: 'shardId-000000000000', chunks: 2 },
    { writer: 'shardId-000000000001', chunks: 1 },
  ],
  sourcesEtag: '"s"',
  committedAt: T + 2 * 86_400_000,
};

/** The stored JSON of META after `change`. */
function storedWith(change: (root: Record<string, unknown>) => unknown): string {
  const root = JSON.parse(encodeCompactMeta(META)) as Record<string, unknown>;
  change(root);
  return JSON.stringify(root);
}

function rejection(text: string): string {
  try {
    decodeCompactMeta(text, KEY);
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptError);
    return (error as Error).message;
  }
  throw new Error('decoded');
}

describe('compacted-day metadata', () => {
  it('round-trips, and counts the chunks it covers per writer', () => {
    const decoded = decodeCompactMeta(encodeCompactMeta(META), KEY);
    expect(decoded).toEqual(META);
    expect(coveredChunks(decoded, 'shardId-000000000000')).toBe(2);
    expect(coveredChunks(decoded, 'shardId-000000000001')).toBe(1);
    expect(coveredChunks(decoded, 'shardId-000000000002')).toBe(0);
  });

  it.each([
    ['not JSON', '{"format":', /^v1\/2026-07-01\/compact\/meta\.json: invalid compacted-day metadata: /],
    ['an array', '[]', 'invalid compacted-day metadata: metadata must be an object'],
    ['another format', storedWith((r) => (r.format = 'tales.manifest')), 'format is "tales.manifest", expected "tales.compact"'],
    ['another version', storedWith((r) => (r.version = 3)), 'unsupported version 3'],
    ['a bad day', storedWith((r) => (r.day = '2026-02-30')), 'not a UTC day name: "2026-02-30"'],
    ['a bad generation', storedWith((r) => (r.generation = '../x')), 'invalid compaction generation "../x" (16 hex digits)'],
    ['no sources', storedWith((r) => (r.sources = [])), 'sources must be a non-empty array'],
    ['a negative size', storedWith((r) => (r.dataSize = -1)), 'dataSize must be a non-negative integer'],
    [
      'a source field of the wrong type',
      storedWith((r) => (((r.sources as Record<string, unknown>[])[1] as Record<string, unknown>).entries = '10')),
      'source 1 entries must be a non-negative integer',
    ],
    [
      'a writer that escapes its folder',
      storedWith((r) => (((r.sources as Record<string, unknown>[])[0] as Record<string, unknown>).writer = '..')),
      'invalid writer id ".."',
    ],
    [
      "a gap in a writer's sequence",
      storedWith((r) => (((r.sources as Record<string, unknown>[])[1] as Record<string, unknown>).seq = 2)),
      'source 1 of shardId-000000000000 has seq 2, expected 1',
    ],
    [
      'sources that do not tile the ordinals',
      storedWith((r) => (((r.sources as Record<string, unknown>[])[2] as Record<string, unknown>).base = 21)),
      'source 2 does not start where source 1 ends',
    ],
    [
      'writers out of order',
      storedWith((r) => (r.sources = [source('shardId-000000000001', 0, 0, 0), source('shardId-000000000000', 0, 10, 2)])),
      'source 1 writers are out of order',
    ],
  ])('rejects %s with a CorruptError naming the key', (_, text, message) => {
    const found = rejection(text as string);
    expect(found.startsWith(`${KEY}: invalid compacted-day metadata: `)).toBe(true);
    if (typeof message === 'string') expect(found).toContain(message);
    else expect(found).toMatch(message);
  });

  it('round-trips a re-encoded day, whose source numbers count through its writers', () => {
    const decoded = decodeCompactMeta(encodeCompactMeta(REENCODED), KEY);
    expect(decoded).toEqual(REENCODED);
    expect(coveredChunks(decoded, 'shardId-000000000000')).toBe(2);
    expect(coveredChunks(decoded, 'shardId-000000000001')).toBe(1);
    expect(coveredChunks(decoded, 'shardId-000000000002')).toBe(0);
    expect([0, 1, 2, 3].map((n) => sourceOf(REENCODED, n))).toEqual([
      { writer: 'shardId-000000000000', seq: 0 },
      { writer: 'shardId-000000000000', seq: 1 },
      { writer: 'shardId-000000000001', seq: 0 },
      undefined,
    ]);
  });

  it('round-trips a day a purge emptied: its writers and sources object, no index or data object', () => {
    const empty = { ...REENCODED, headSize: 0, indexSize: 0, indexEtag: '', dataSize: 0, dataEtag: '', entries: 0, minTime: 0, maxTime: 0 };
    expect(decodeCompactMeta(encodeCompactMeta(empty), KEY)).toEqual(empty);
  });

  it.each([
    ['no writers', (r: Record<string, unknown>) => (r.writers = []), 'writers must be a non-empty array'],
    ['writers out of order', (r: Record<string, unknown>) => (r.writers = [...REENCODED.writers].reverse()), 'writer 1 is out of order'],
    [
      'a writer of no chunk',
      (r: Record<string, unknown>) => (r.writers = [{ writer: 'shardId-000000000000', chunks: 0 }]),
      'writer 0 holds no chunk',
    ],
    ['no entries but an index', (r: Record<string, unknown>) => (r.entries = 0), 'an empty day names objects'],
    ['an inverted day', (r: Record<string, unknown>) => (r.minTime = (r.maxTime as number) + 1), 'the day is inverted'],
    ['no sources ETag', (r: Record<string, unknown>) => delete r.sourcesEtag, 'sourcesEtag must be a string'],
  ])('rejects a re-encoded day with %s', (_, change, message) => {
    const root = JSON.parse(encodeCompactMeta(REENCODED)) as Record<string, unknown>;
    change(root);
    expect(rejection(JSON.stringify(root))).toBe(`${KEY}: invalid compacted-day metadata: ${message}`);
  });

  it('does not let a __proto__ key reach the prototype', () => {
    const text = encodeCompactMeta(META).replace('{', '{"__proto__":{"polluted":1},');
    expect(decodeCompactMeta(text, KEY)).toEqual(META);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers every truncation and random text with a CorruptError, never another error', () => {
    const text = encodeCompactMeta(META);
    for (let length = 0; length < text.length; length++) expect(rejection(text.slice(0, length))).toContain(KEY);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.nat(), fc.string({ maxLength: 8 }), (noise, at, insert) => {
        for (const candidate of [noise, text.slice(0, at % text.length) + insert + text.slice(at % text.length)]) {
          try {
            decodeCompactMeta(candidate, KEY);
          } catch (error) {
            expect(error).toBeInstanceOf(CorruptError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
