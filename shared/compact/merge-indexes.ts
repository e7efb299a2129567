import type { DirectoryInput } from '../chunk/directory';
import type { CompactSource } from './meta';
import type { SourceIndex } from './read-source';

/** One block table, dictionary list and set of postings over a segment's ordinals: each source shifted by its base. */
export function mergeIndexes(sources: readonly SourceIndex[]) {
  const blocks: DirectoryInput['blocks'][number][] = [];
  const dictionaries: Uint8Array[] = [];
  const byActor = new Map<number, Uint32Array[]>();
  const placed: CompactSource[] = [];
  let base = 0;
  let blocksSize = 0;
  for (const { writer, record, index, postings, dictionaries: own } of sources) {
    const dictionaryBase = dictionaries.length;
    placed.push({
      writer,
      seq: record.seq,
      etag: record.etag,
      entries: index.entryCount,
      base,
      firstBlock: blocks.length,
      blocks: index.blocks.length,
      minTime: record.minTime,
      maxTime: record.maxTime,
    });
    for (const block of index.blocks) {
      blocks.push({ ...block, dictionary: block.dictionary < 0 ? -1 : block.dictionary + dictionaryBase });
    }
    dictionaries.push(...own);
    for (const [actor, ordinals] of postings) {
      const shifted = ordinals.map((ordinal) => ordinal + base);
      const lists = byActor.get(actor);
      if (lists) lists.push(shifted);
      else byActor.set(actor, [shifted]);
    }
    base += index.entryCount;
    blocksSize += index.header.blocksSize;
  }
  if (base > 0xffff_ffff) throw new RangeError(`a segment holds at most 2^32-1 entries (this one has ${base})`);
  const merged = new Map([...byActor].map(([actor, lists]) => [actor, joinAscending(lists)]));
  return { entryCount: base, blocks, blocksSize, dictionaries, postings: merged, sources: placed };
}

function joinAscending(lists: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((n, list) => n + list.length, 0));
  let at = 0;
  for (const list of lists) {
    out.set(list, at);
    at += list.length;
  }
  return out;
}
