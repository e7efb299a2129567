import type { ChunkIndex } from '../chunk/chunk-index';
import type { CompactMeta, CompactSource, CopiedDayMeta } from './meta';

/** A day ordinal's place: the source chunk it came from and its ordinal there. */
export interface SourceOrdinals {
  readonly source: CompactSource;
  /** Day ordinals, ascending, all within the source. */
  readonly ordinals: Uint32Array;
}

/**
 * Splits ascending day ordinals of a day of format 1 by the source chunk holding them: within a
 * source they follow time, across sources they do not, so each source is read and merged as its own chunk.
 */
export function splitBySource(meta: CopiedDayMeta, ordinals: Uint32Array): SourceOrdinals[] {
  const out: SourceOrdinals[] = [];
  let at = 0;
  for (const source of meta.sources) {
    const end = source.base + source.entries;
    let stop = at;
    while (stop < ordinals.length && (ordinals[stop] as number) < end) stop++;
    if (stop > at) out.push({ source, ordinals: ordinals.subarray(at, stop) });
    at = stop;
  }
  return out;
}

/** Checks the opened index against the metadata that committed it (and its format against the metadata's). */
export function matchesMeta(index: ChunkIndex, meta: CompactMeta): boolean {
  const same = index.header.day === meta.day && index.indexSize === meta.indexSize && index.header.blocksSize === meta.dataSize;
  if (meta.version === 2) return same && index.day !== undefined && index.entryCount === meta.entries;
  const last = meta.sources[meta.sources.length - 1] as CompactSource;
  return (
    same &&
    index.day === undefined &&
    index.entryCount === last.base + last.entries &&
    index.blocks.length === last.firstBlock + last.blocks
  );
}
