import { ByteReader } from '../codec/bytes';
import { withKey } from '../codec/errors';
import type { BlockCompressor } from '../codec/zstd';
import type { BlockRows } from './block';
import type { ChunkIndex } from './chunk-index';
import { decodeDayBlock } from './day-block';
import type { DayDirectory } from './day-directory';
import type { BlockEntry, DayBlockColumns } from './directory';
import type { ByteSource } from './source';

/**
 * Day ordinals of the entries naming every actor in `actors`, in a re-encoded day: the blocks that name
 * them all (from the directory), then those blocks' actor columns (one ranged read of the index object,
 * kept with the index), scanned entry by entry. An actor absent from the day ends it without a read.
 */
export async function matchDayOrdinals(
  index: ChunkIndex,
  day: DayDirectory,
  source: ByteSource,
  actors: readonly number[],
): Promise<Uint32Array> {
  const wanted = [...new Set(actors)];
  let blocks: Uint32Array | undefined;
  for (const actor of wanted) {
    const at = day.find(actor);
    if (at < 0) return new Uint32Array(0);
    const postings = day.postings(at);
    if (postings.kind !== 'blocks') return new Uint32Array(0);
    blocks = blocks ? intersect(blocks, postings.blocks) : postings.blocks;
  }
  if (!blocks || blocks.length === 0) return new Uint32Array(0);
  const frames = await index.actorColumnsOf(Array.from(blocks), source);
  const out: number[] = [];
  withKey(source.key, () => {
    for (const block of blocks) {
      const entry = index.blocks[block] as BlockEntry;
      const columns = entry.columns as DayBlockColumns;
      const reader = new ByteReader(index.zstd.decompress(frames.get(block) as Uint8Array, columns.actorsRaw));
      reader.varint('block entry count');
      const counts = reader.take(entry.count, 'actor counts');
      for (let i = 0; i < entry.count; i++) {
        let found = 0;
        for (let k = 0; k < (counts[i] as number); k++) {
          const actor = day.rankIds[reader.varint('actor rank', day.rankIds.length - 1)];
          if (actor !== undefined && wanted.includes(actor)) found++;
        }
        if (found === wanted.length) out.push(entry.first + i);
      }
    }
  });
  return Uint32Array.from(out);
}

/** Decodes a re-encoded day's block from its compressed bytes (columns frame, then texts frame) and its actor column. */
export async function decodeDayBlockAt(
  index: ChunkIndex,
  day: DayDirectory,
  indexSource: ByteSource,
  key: string,
  block: number,
  compressed: Uint8Array,
  zstd: BlockCompressor,
): Promise<BlockRows> {
  const entry = index.blocks[block] as BlockEntry;
  const columns = entry.columns as DayBlockColumns;
  const dictionary = entry.dictionary < 0 ? undefined : await index.dictionary(entry.dictionary, indexSource);
  const actors = (await index.actorColumnsOf([block], indexSource)).get(block) as Uint8Array;
  const frames = withKey(key, () => ({
    columns: zstd.decompress(compressed.subarray(0, columns.columnsSize), columns.columnsRaw),
    texts: zstd.decompress(compressed.subarray(columns.columnsSize), columns.textsRaw, dictionary),
  }));
  return withKey(key, () => {
    const rows = { ...frames, actors: zstd.decompress(actors, columns.actorsRaw) };
    return decodeDayBlock(rows, {
      count: entry.count,
      minTime: index.dayStart + entry.minTime,
      maxTime: index.dayStart + entry.maxTime,
      sourceCount: day.sourceCount,
      rankIds: day.rankIds,
    });
  });
}

function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return Uint32Array.from(out);
}
