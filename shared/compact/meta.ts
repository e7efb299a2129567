import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import { dayName, parseDayName } from '../layout/day';
import { checkGeneration, checkWriter } from '../layout/keys';

export const COMPACT_FORMAT = 'tales.compact';
export const COMPACT_VERSION = 1;

/** One writer chunk merged into a compacted day: where its entries and blocks went. */
export interface CompactSource {
  readonly writer: string;
  readonly seq: number;
  readonly etag: string;
  readonly entries: number;
  /** Day ordinal of the chunk's ordinal 0. */
  readonly base: number;
  readonly firstBlock: number;
  readonly blocks: number;
  readonly minTime: number;
  readonly maxTime: number;
}

/** A compacted day's metadata, written last: its presence commits the compacted form. */
export interface CompactMeta {
  readonly day: number;
  /** Names the index and data objects; derived from the sources, so a retry writes the same keys. */
  readonly generation: string;
  /** Header + directory of the index object: the first ranged GET (dictionaries load on demand). */
  readonly headSize: number;
  readonly indexSize: number;
  readonly indexEtag: string;
  readonly dataSize: number;
  readonly dataEtag: string;
  /** In (writer, seq) order, each writer's chunks from seq 0 without gaps. */
  readonly sources: readonly CompactSource[];
  readonly committedAt: number;
}

/** How many chunks of `writer` (seq 0..n-1) the compacted form holds. */
export function coveredChunks(meta: CompactMeta, writer: string): number {
  return meta.sources.filter((source) => source.writer === writer).length;
}

export function encodeCompactMeta(meta: CompactMeta): string {
  return JSON.stringify({ format: COMPACT_FORMAT, version: COMPACT_VERSION, ...meta, day: dayName(meta.day) });
}

/** Parses and validates stored compacted-day metadata; any fault is a CorruptError naming `key`. */
export function decodeCompactMeta(text: string, key: string): CompactMeta {
  return decodeStoredJson(text, key, 'compacted-day metadata', parse);
}

function parse(value: unknown): CompactMeta {
  const root = jsonObject(value, 'metadata');
  if (root.format !== COMPACT_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${COMPACT_FORMAT}"`);
  if (root.version !== COMPACT_VERSION) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
  if (!Array.isArray(root.sources) || root.sources.length === 0) throw new Error('sources must be a non-empty array');
  const meta: CompactMeta = {
    day: parseDayName(jsonString(root, 'day')),
    generation: checkGeneration(jsonString(root, 'generation')),
    headSize: jsonInt(root, 'headSize'),
    indexSize: jsonInt(root, 'indexSize'),
    indexEtag: jsonString(root, 'indexEtag'),
    dataSize: jsonInt(root, 'dataSize'),
    dataEtag: jsonString(root, 'dataEtag'),
    sources: root.sources.map((source, i) => parseSource(jsonObject(source, `source ${i}`), i)),
    committedAt: jsonInt(root, 'committedAt'),
  };
  checkSources(meta);
  return meta;
}

function parseSource(source: Record<string, unknown>, i: number): CompactSource {
  const int = (name: string) => jsonInt(source, name, `source ${i} `);
  return {
    writer: checkWriter(jsonString(source, 'writer', `source ${i} `)),
    seq: int('seq'),
    etag: jsonString(source, 'etag', `source ${i} `),
    entries: int('entries'),
    base: int('base'),
    firstBlock: int('firstBlock'),
    blocks: int('blocks'),
    minTime: int('minTime'),
    maxTime: int('maxTime'),
  };
}

/** Sources must tile the day's ordinals and blocks in (writer, seq) order, each writer from seq 0. */
function checkSources(meta: CompactMeta): void {
  let base = 0;
  let block = 0;
  meta.sources.forEach((source, i) => {
    const previous = meta.sources[i - 1];
    const expectedSeq = previous && previous.writer === source.writer ? previous.seq + 1 : 0;
    if (previous && previous.writer > source.writer) throw new Error(`source ${i} writers are out of order`);
    if (source.seq !== expectedSeq) throw new Error(`source ${i} of ${source.writer} has seq ${source.seq}, expected ${expectedSeq}`);
    if (source.base !== base || source.firstBlock !== block) throw new Error(`source ${i} does not start where source ${i - 1} ends`);
    if (source.entries < 1 || source.blocks < 1 || source.minTime > source.maxTime) throw new Error(`source ${i} is empty or inverted`);
    base += source.entries;
    block += source.blocks;
  });
}
