import { describe, expect, it } from 'vitest';
import type { ChunkRecord, Manifest } from '../../../shared/manifest/manifest';
import { isDurable } from '../../../shared/replay/durable';

const chunk = (seq: number, watermark: string, first?: string): ChunkRecord => ({
  seq,
  entries: 1,
  minTime: 0,
  maxTime: 0,
  headSize: 1,
  indexSize: 2,
  size: 3,
  etag: '"e"',
  watermark,
  ...(first ? { first } : {}),
});

describe('isDurable', () => {
  // Chunk 0 holds 10..20, then the event source skipped 21..29 (a given-up batch), and chunk 1 holds 30..40.
  const manifest: Manifest = { writer: 'w', day: 0, chunks: [chunk(0, '20', '10'), chunk(1, '40', '30')] };

  it.each([
    ['10', true],
    ['20', true],
    ['25', false],
    ['29', false],
    ['30', true],
    ['41', false],
    ['9', false],
  ])('record %s: %s', (seq, expected) => {
    expect(isDurable(manifest, seq)).toBe(expected);
  });

  it('takes a chunk without a first sequence number to start after the previous watermark', () => {
    const old: Manifest = { writer: 'w', day: 0, chunks: [chunk(0, '20'), chunk(1, '40')] };
    expect([isDurable(old, '1'), isDurable(old, '25'), isDurable(old, '41')]).toEqual([true, true, false]);
  });

  it('finds nothing durable without a manifest', () => {
    expect(isDurable(undefined, '1')).toBe(false);
  });
});
