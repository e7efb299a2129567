import type { ChunkIndex } from '../chunk/chunk-index';
import type { CompactMeta, CompactSource } from './meta';

/** Checks the opened index against the metadata that committed it (and its format against the metadata's). */
export function matchesMeta(index: ChunkIndex, meta: CompactMeta): boolean {
  const same = index.header.day === meta.day && index.indexSize === meta.indexSize && index.header.blocksSize === meta.dataSize;
  if (meta.version === 2) {
    const sources = meta.writers.reduce((n, writer) => n + writer.chunks, 0);
    return same && index.day?.sourceCount === sources && index.entryCount === meta.entries;
  }
  const last = meta.sources[meta.sources.length - 1] as CompactSource;
  return (
    same &&
    index.day === undefined &&
    index.entryCount === last.base + last.entries &&
    index.blocks.length === last.firstBlock + last.blocks
  );
}
