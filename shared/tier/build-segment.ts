import { createHash } from 'node:crypto';
import { ChunkIndex } from '../chunk/chunk-index';
import { writeIndex } from '../chunk/index-writer';
import type { BlockCompressor } from '../codec/zstd';
import { mergeIndexes } from '../compact/merge-indexes';
import type { SourceIndex } from '../compact/read-source';
import type { Segment, SegmentSource } from './manifest';

/** A merge input decoded whole: a writer chunk (one source) or a segment (its sources), its ordinals from 0. */
export interface SegmentInput {
  readonly sources: readonly SegmentSource[];
  readonly index: ChunkIndex;
  readonly postings: ReadonlyMap<number, Uint32Array>;
  readonly dictionaries: readonly Uint8Array[];
}

/** A segment built in memory: its entry for the tier manifest (ETag still unknown) and its index object. */
export interface BuiltSegment {
  readonly segment: Segment;
  readonly bytes: Uint8Array;
  /** The same segment as a merge input, so a fold within one run needs no read back. */
  readonly input: SegmentInput;
}

export interface SegmentOptions {
  readonly inlineMax: number;
  readonly level: number;
}

/**
 * Folds inputs into one index over segment ordinals, written as a compacted day's index is (the same
 * merge: postings shifted by each input's base, block tables and dictionaries joined), but whose
 * blocks stay in the writer chunks: each source records where its blocks start in its chunk object.
 */
export async function buildSegment(
  day: number,
  level: number,
  inputs: readonly SegmentInput[],
  zstd: BlockCompressor,
  options: SegmentOptions,
): Promise<BuiltSegment> {
  const asSources: SourceIndex[] = inputs.map((input) => {
    const first = input.sources[0] as SegmentSource;
    return {
      writer: first.writer,
      key: '',
      record: { ...first, headSize: 0, size: 0, watermark: '0' },
      index: input.index,
      postings: input.postings,
      dictionaries: input.dictionaries,
    };
  });
  const merged = mergeIndexes(asSources);
  const sources = inputs.flatMap((input, i) => {
    const placed = merged.sources[i] as (typeof merged.sources)[number];
    return input.sources.map((source) => ({
      ...source,
      base: source.base + placed.base,
      firstBlock: source.firstBlock + placed.firstBlock,
    }));
  });
  const hash = createHash('sha256').update(`${day} ${level}`);
  for (const { writer, seq, etag } of sources) hash.update(`\n${writer} ${seq} ${etag}`);
  const id = hash.digest('hex').slice(0, 16);
  const written = writeIndex({ day, inlineMax: options.inlineMax, level: options.level, ...merged }, zstd);
  const segment: Segment = { id, level, headSize: written.directoryEnd, indexSize: written.indexSize, etag: '', sources };
  const index = ChunkIndex.parse(id, written.bytes, zstd);
  return {
    segment,
    bytes: written.bytes,
    input: { sources, index, postings: merged.postings, dictionaries: merged.dictionaries },
  };
}
