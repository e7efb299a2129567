import { CorruptError } from '../codec/errors';
import { dayName, parseDayName } from '../layout/day';
import { checkWriter } from '../layout/keys';

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
  try {
    return parse(text);
  } catch (error) {
    throw new CorruptError(`invalid compacted-day metadata: ${error instanceof Error ? error.message : String(error)}`, key);
  }
}

function parse(text: string): CompactMeta {
  const root = record(JSON.parse(text), 'metadata');
  if (root.format !== COMPACT_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${COMPACT_FORMAT}"`);
  if (root.version !== COMPACT_VERSION) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
  if (typeof root.day !== 'string') throw new Error('day must be a string');
  if (typeof root.generation !== 'string' || !/^[0-9a-f]{16}$/.test(root.generation)) throw new Error('generation must be 16 hex digits');
  if (!Array.isArray(root.sources) || root.sources.length === 0) throw new Error('sources must be a non-empty array');
  const meta: CompactMeta = {
    day: parseDayName(root.day),
    generation: root.generation,
    headSize: int(root, 'headSize'),
    indexSize: int(root, 'indexSize'),
    indexEtag: string(root, 'indexEtag'),
    dataSize: int(root, 'dataSize'),
    dataEtag: string(root, 'dataEtag'),
    sources: root.sources.map((value, i) => parseSource(record(value, `source ${i}`))),
    committedAt: int(root, 'committedAt'),
  };
  checkSources(meta);
  return meta;
}

function parseSource(value: Record<string, unknown>): CompactSource {
  return {
    writer: checkWriter(string(value, 'writer')),
    seq: int(value, 'seq'),
    etag: string(value, 'etag'),
    entries: int(value, 'entries'),
    base: int(value, 'base'),
    firstBlock: int(value, 'firstBlock'),
    blocks: int(value, 'blocks'),
    minTime: int(value, 'minTime'),
    maxTime: int(value, 'maxTime'),
  };
}

/** Sources must tile the day's ordinals and blocks in (writer, seq) order, each writer from seq 0. */
export function checkSources(meta: CompactMeta): void {
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

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function int(value: Record<string, unknown>, name: string): number {
  const field = value[name];
  if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0) throw new Error(`${name} must be a non-negative integer`);
  return field;
}

function string(value: Record<string, unknown>, name: string): string {
  const field = value[name];
  if (typeof field !== 'string') throw new Error(`${name} must be a string`);
  return field;
}
