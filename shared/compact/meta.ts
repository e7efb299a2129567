import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import { dayName, parseDayName } from '../layout/day';
import { checkGeneration, checkWriter } from '../layout/keys';

export const COMPACT_FORMAT = 'tales.compact';
/** Format 1: the writer chunks' blocks copied unchanged; 2: the day re-encoded. Both are read. */
export const COMPACT_VERSION = 2;

/** One writer chunk merged into a compacted day of format 1: where its entries and blocks went. */
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

/** What every compacted day's metadata holds; it is written last: its presence commits the compacted form. */
interface CommittedDay {
  readonly day: number;
  /** Names the day's objects; derived from the sources, so a retry writes the same keys. */
  readonly generation: string;
  /** Header + directory of the index object: the first ranged GET (dictionaries load on demand). */
  readonly headSize: number;
  readonly indexSize: number;
  readonly indexEtag: string;
  readonly dataSize: number;
  readonly dataEtag: string;
  readonly committedAt: number;
}

/** A compacted day of format 1 (blocks copied unchanged), still read. */
export interface CopiedDayMeta extends CommittedDay {
  readonly version: 1;
  /** In (writer, seq) order, each writer's chunks from seq 0 without gaps. */
  readonly sources: readonly CompactSource[];
}

/** A writer and how many of its chunks (seq 0..chunks-1) a re-encoded day holds. */
export interface DayWriter {
  readonly writer: string;
  readonly chunks: number;
}

/**
 * A re-encoded day (format 2): one time-ordered index and data object; entries keep their source's
 * (writer, seq, ordinal). With 0 entries (a purge erased them all), the day has neither object.
 */
export interface ReencodedDayMeta extends CommittedDay {
  readonly version: 2;
  readonly entries: number;
  readonly minTime: number;
  readonly maxTime: number;
  /** In writer order; source number n is the n-th chunk counting through them in (writer, seq) order. */
  readonly writers: readonly DayWriter[];
  /** ETag of the sources object (the chunks and their ETags, which the sweep deletes). */
  readonly sourcesEtag: string;
}

export type CompactMeta = CopiedDayMeta | ReencodedDayMeta;

/** How many chunks of `writer` (seq 0..n-1) the compacted form holds. */
export function coveredChunks(meta: CompactMeta, writer: string): number {
  if (meta.version === 1) return meta.sources.filter((source) => source.writer === writer).length;
  return meta.writers.find((entry) => entry.writer === writer)?.chunks ?? 0;
}

/** The writer and seq of a re-encoded day's source number `n`, or undefined past its sources. */
export function sourceOf(meta: ReencodedDayMeta, n: number): { readonly writer: string; readonly seq: number } | undefined {
  let first = 0;
  for (const { writer, chunks } of meta.writers) {
    if (n < first + chunks) return { writer, seq: n - first };
    first += chunks;
  }
  return undefined;
}

export function encodeCompactMeta(meta: CompactMeta): string {
  return JSON.stringify({ format: COMPACT_FORMAT, ...meta, day: dayName(meta.day) });
}

/** Parses and validates stored compacted-day metadata; any fault is a CorruptError naming `key`. */
export function decodeCompactMeta(text: string, key: string): CompactMeta {
  return decodeStoredJson(text, key, 'compacted-day metadata', parse);
}

function parse(value: unknown): CompactMeta {
  const root = jsonObject(value, 'metadata');
  if (root.format !== COMPACT_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${COMPACT_FORMAT}"`);
  if (root.version !== 1 && root.version !== 2) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
  const committed: CommittedDay = {
    day: parseDayName(jsonString(root, 'day')),
    generation: checkGeneration(jsonString(root, 'generation')),
    headSize: jsonInt(root, 'headSize'),
    indexSize: jsonInt(root, 'indexSize'),
    indexEtag: jsonString(root, 'indexEtag'),
    dataSize: jsonInt(root, 'dataSize'),
    dataEtag: jsonString(root, 'dataEtag'),
    committedAt: jsonInt(root, 'committedAt'),
  };
  return root.version === 1 ? parseCopied(root, committed) : parseReencoded(root, committed);
}

function parseReencoded(root: Record<string, unknown>, committed: CommittedDay): ReencodedDayMeta {
  if (!Array.isArray(root.writers) || root.writers.length === 0) throw new Error('writers must be a non-empty array');
  const writers = root.writers.map((entry, i) => {
    const object = jsonObject(entry, `writer ${i}`);
    return { writer: checkWriter(jsonString(object, 'writer', `writer ${i} `)), chunks: jsonInt(object, 'chunks', `writer ${i} `) };
  });
  writers.forEach((entry, i) => {
    const previous = writers[i - 1];
    if (previous && previous.writer >= entry.writer) throw new Error(`writer ${i} is out of order`);
    if (entry.chunks < 1) throw new Error(`writer ${i} holds no chunk`);
  });
  const meta: ReencodedDayMeta = {
    version: 2,
    ...committed,
    entries: jsonInt(root, 'entries'),
    minTime: jsonInt(root, 'minTime'),
    maxTime: jsonInt(root, 'maxTime'),
    writers,
    sourcesEtag: jsonString(root, 'sourcesEtag'),
  };
  if (meta.minTime > meta.maxTime) throw new Error('the day is inverted');
  // Every event erased: the day holds none, and has no index or data object.
  if (meta.entries === 0 && meta.headSize + meta.indexSize + meta.dataSize > 0) throw new Error('an empty day names objects');
  return meta;
}

function parseCopied(root: Record<string, unknown>, committed: CommittedDay): CopiedDayMeta {
  if (!Array.isArray(root.sources) || root.sources.length === 0) throw new Error('sources must be a non-empty array');
  const meta: CopiedDayMeta = {
    version: 1,
    ...committed,
    sources: root.sources.map((source, i) => parseSource(jsonObject(source, `source ${i}`), i)),
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
function checkSources(meta: CopiedDayMeta): void {
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
