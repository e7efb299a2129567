import { describe, expect, it } from 'vitest';
import { coverageOf, type Segment, type SegmentSource, type TierManifest } from '../../../shared/tier/manifest';

const source = (writer: string, seq: number): SegmentSource => ({
  writer,
  seq,
  etag: `"${writer}-${seq}"`,
  entries: 1,
  base: 0,
  firstBlock: 0,
  blocks: 1,
  minTime: 0,
  maxTime: 0,
  indexSize: 100,
  blocksSize: 50,
});

const segment = (id: string, level: number, sources: SegmentSource[]): Segment => ({
  id,
  level,
  headSize: 10,
  indexSize: 20,
  etag: `"${id}"`,
  sources,
});

describe('tier manifest coverage', () => {
  const A = 'shardId-000000000000';
  const B = 'shardId-000000000001';
  const manifest: TierManifest = {
    day: 20_635,
    segments: [
      segment('aaaaaaaaaaaaaaaa', 1, [source(A, 0), source(B, 0), source(A, 1)]),
      segment('bbbbbbbbbbbbbbbb', 0, [source(A, 2), source(B, 1), source(B, 2), source(B, 3)]),
    ],
  };

  it('counts, per writer, the chunks the segments cover, across segments of every level', () => {
    expect(coverageOf(manifest)).toEqual(
      new Map([
        [A, 3],
        [B, 4],
      ]),
    );
  });

  it('leaves out a writer no segment covers, and is empty for a manifest without segments', () => {
    expect(coverageOf(manifest).has('shardId-000000000002')).toBe(false);
    expect(coverageOf({ day: 20_635, segments: [] })).toEqual(new Map());
  });
});
