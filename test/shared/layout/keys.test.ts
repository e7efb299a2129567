import { describe, expect, it } from 'vitest';
import { parseDayName } from '../../../shared/layout/day';
import { checkWriter, formatSequence, KeyLayout, LAYOUT_VERSION } from '../../../shared/layout/keys';

const DAY = parseDayName('2026-07-01');
const WRITER = 'shardId-000000000000';

describe('KeyLayout without a prefix', () => {
  const layout = new KeyLayout('');

  it.each([
    ['dayPrefix', layout.dayPrefix(DAY), 'v1/2026-07-01/'],
    ['writersPrefix', layout.writersPrefix(DAY), 'v1/2026-07-01/w/'],
    ['writerPrefix', layout.writerPrefix(DAY, WRITER), 'v1/2026-07-01/w/shardId-000000000000/'],
    ['manifestKey', layout.manifestKey(DAY, WRITER), 'v1/2026-07-01/w/shardId-000000000000/manifest.json'],
    ['chunkKey', layout.chunkKey(DAY, WRITER, 3), 'v1/2026-07-01/w/shardId-000000000000/00000000000000000003.tale'],
    ['compactPrefix', layout.compactPrefix(DAY), 'v1/2026-07-01/compact/'],
    ['compactMetaKey', layout.compactMetaKey(DAY), 'v1/2026-07-01/compact/meta.json'],
    ['compactIndexKey', layout.compactIndexKey(DAY, '0123456789abcdef'), 'v1/2026-07-01/compact/0123456789abcdef.index.tale'],
    ['compactDataKey', layout.compactDataKey(DAY, '0123456789abcdef'), 'v1/2026-07-01/compact/0123456789abcdef.blocks'],
    [
      'rejectedKey',
      layout.rejectedKey(DAY, WRITER, '49650000000000000000000000000000000000000000000001'),
      'rejected/2026-07-01/shardId-000000000000/49650000000000000000000000000000000000000000000001.ndjson',
    ],
  ])('%s', (_name, key, expected) => {
    expect(key).toBe(expected);
  });

  it('defaults to no prefix', () => {
    expect(new KeyLayout().chunkKey(DAY, WRITER, 0)).toBe('v1/2026-07-01/w/shardId-000000000000/00000000000000000000.tale');
  });

  it('starts every data key with the layout version', () => {
    expect(LAYOUT_VERSION).toBe('v1');
  });
});

describe('KeyLayout with a prefix', () => {
  const layout = new KeyLayout('tenants/acme/');

  it.each([
    ['manifestKey', layout.manifestKey(DAY, WRITER), 'tenants/acme/v1/2026-07-01/w/shardId-000000000000/manifest.json'],
    ['chunkKey', layout.chunkKey(DAY, WRITER, 12), 'tenants/acme/v1/2026-07-01/w/shardId-000000000000/00000000000000000012.tale'],
    ['compactPrefix', layout.compactPrefix(DAY), 'tenants/acme/v1/2026-07-01/compact/'],
    ['rejectedKey', layout.rejectedKey(DAY, WRITER, '7'), 'tenants/acme/rejected/2026-07-01/shardId-000000000000/7.ndjson'],
  ])('%s', (_name, key, expected) => {
    expect(key).toBe(expected);
  });

  it.each(['/', 'a/', 'tenants/acme/'])('accepts the prefix %j', (prefix) => {
    expect(new KeyLayout(prefix).prefix).toBe(prefix);
  });

  it.each(['tales', 'x/y', '/x'])('rejects the prefix %j, which does not end with "/"', (prefix) => {
    expect(() => new KeyLayout(prefix)).toThrow(`key prefix must be empty or end with "/" (given "${prefix}")`);
  });
});

describe('chunk sequence numbers in keys', () => {
  it.each([
    [0, '00000000000000000000'],
    [3, '00000000000000000003'],
    [Number.MAX_SAFE_INTEGER, '00009007199254740991'],
  ])('formats %d as 20 digits', (sequence, expected) => {
    expect(formatSequence(sequence)).toBe(expected);
  });

  it('sorts chunk keys in sequence order as strings', () => {
    const layout = new KeyLayout();
    const keys = [0, 9, 10, 11, 100].map((n) => layout.chunkKey(DAY, WRITER, n));
    expect([...keys].sort()).toEqual(keys);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects %d', (sequence) => {
    expect(() => formatSequence(sequence)).toThrow(`chunk sequence must be a non-negative integer (given ${sequence})`);
  });
});

describe('writer ids', () => {
  it.each(['shardId-000000000000', 'shardId-000000000123', 'w_1.backup', 'a', 'x'.repeat(128)])('accepts %j', (writer) => {
    expect(checkWriter(writer)).toBe(writer);
  });

  it.each([
    ['empty', ''],
    ['a slash', 'a/b'],
    ['a leading slash', '/a'],
    ['a parent escape', '../x'],
    ['the parent folder', '..'],
    ['the current folder', '.'],
    ['a backslash', 'a\\b'],
    ['a space', 'shard 1'],
    ['a NUL', 'a\u0000'],
    ['non-ASCII', 'shärd'],
    ['129 characters', 'x'.repeat(129)],
  ])('rejects %s', (_name, writer) => {
    expect(() => checkWriter(writer)).toThrow(`invalid writer id "${writer}" (letters, digits, _ . - only)`);
    expect(() => new KeyLayout().manifestKey(DAY, writer)).toThrow(RangeError);
    expect(() => new KeyLayout().rejectedKey(DAY, writer, '1')).toThrow(RangeError);
  });

  it.each(['0123456789ABCDEF', '0123', '../0123456789abc', ''])('rejects the compaction generation %j', (generation) => {
    expect(() => new KeyLayout().compactIndexKey(DAY, generation)).toThrow(`invalid compaction generation "${generation}" (16 hex digits)`);
  });
});

describe('writerOfPrefix', () => {
  const layout = new KeyLayout('p/');

  it('names the writer of a listed common prefix', () => {
    expect(layout.writerOfPrefix(DAY, 'p/v1/2026-07-01/w/shardId-000000000004/')).toBe('shardId-000000000004');
    expect(layout.writerOfPrefix(DAY, layout.writerPrefix(DAY, WRITER))).toBe(WRITER);
  });

  it.each([
    [
      'another day',
      'p/v1/2026-07-02/w/shardId-000000000004/',
      '"p/v1/2026-07-02/w/shardId-000000000004/" is not a writer folder of 2026-07-01',
    ],
    [
      'no trailing slash',
      'p/v1/2026-07-01/w/shardId-000000000004',
      '"p/v1/2026-07-01/w/shardId-000000000004" is not a writer folder of 2026-07-01',
    ],
    ['no prefix', 'v1/2026-07-01/w/shardId-000000000004/', '"v1/2026-07-01/w/shardId-000000000004/" is not a writer folder of 2026-07-01'],
    ['a nested folder', 'p/v1/2026-07-01/w/a/b/', 'invalid writer id "a/b" (letters, digits, _ . - only)'],
    ['an empty writer', 'p/v1/2026-07-01/w//', 'invalid writer id "" (letters, digits, _ . - only)'],
    ['a parent folder', 'p/v1/2026-07-01/w/../', 'invalid writer id ".." (letters, digits, _ . - only)'],
  ])('rejects %s', (_name, prefix, message) => {
    expect(() => layout.writerOfPrefix(DAY, prefix)).toThrow(message);
  });
});
