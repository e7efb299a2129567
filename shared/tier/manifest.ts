import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import type { CompactSource } from '../compact/meta';
import { dayName, parseDayName } from '../layout/day';
import { checkGeneration, checkWriter } from '../layout/keys';

export const TIER_FORMAT = 'tales.tier';
export const TIER_VERSION = 1;

/**
 * One writer chunk a segment covers: where its entries and blocks sit in the segment (`base`: segment
 * ordinal of the chunk's ordinal 0), and where its blocks are stored.
 */
export interface SegmentSource extends CompactSource {
  /** Where the chunk's blocks start in the chunk object. */
  readonly indexSize: number;
  /** The chunk's blocks bytes: its block offsets in the segment start at the sum of those before it. */
  readonly blocksSize: number;
}

/** A merged index segment: one index object over its sources' entries, pointing at the blocks inside their chunk objects. */
export interface Segment {
  /** Names the index object; derived from the sources, so a retried merge writes the same key and bytes. */
  readonly id: string;
  /** 0 for a fold of writer chunks; L + 1 for a fold of segments of level L. */
  readonly level: number;
  readonly headSize: number;
  readonly indexSize: number;
  readonly etag: string;
  readonly sources: readonly SegmentSource[];
}

/** A segment folded into a larger one: still stored, for queries that listed it, until its grace period ends. */
export interface RetiredSegment {
  readonly id: string;
  readonly etag: string;
  /** When the manifest that superseded it was committed (the merger's clock). */
  readonly retiredAt: number;
}

/** The day's merged segments; they cover, for each writer, its chunks 0..k-1 (the rest are read as writer chunks). */
export interface TierManifest {
  readonly day: number;
  readonly segments: readonly Segment[];
  /** Superseded segments the merger deletes once their grace period has passed; absent in manifests written before it. */
  readonly retired?: readonly RetiredSegment[];
  /**
   * Set by the merger's run after the day closed (it can gain no chunk): the segments cover every chunk
   * of the day, so a query reads neither its list of writers nor their manifests.
   */
  readonly sealed?: true;
  /** A sealed day's actors (see actor-summary.ts), base64. */
  readonly actors?: string;
}

/** For every writer the segments cover, how many of its chunks (seq 0..n-1), in one pass over the segments. */
export function coverageOf(manifest: TierManifest): ReadonlyMap<string, number> {
  const covered = new Map<string, number>();
  for (const segment of manifest.segments) for (const { writer } of segment.sources) covered.set(writer, (covered.get(writer) ?? 0) + 1);
  return covered;
}

/** Where a segment's source's blocks start, as an offset to add to the segment's block offsets. */
export function blocksOffsetOf(segment: Segment, sourceIndex: number): number {
  let virtual = 0;
  for (let i = 0; i < sourceIndex; i++) virtual += (segment.sources[i] as SegmentSource).blocksSize;
  return (segment.sources[sourceIndex] as SegmentSource).indexSize - virtual;
}

export function encodeTierManifest(manifest: TierManifest): string {
  const { retired = [], sealed, actors } = manifest;
  return JSON.stringify({
    format: TIER_FORMAT,
    version: TIER_VERSION,
    day: dayName(manifest.day),
    segments: manifest.segments,
    ...(retired.length ? { retired } : {}),
    ...(sealed ? { sealed } : {}),
    ...(actors !== undefined ? { actors } : {}),
  });
}

/** Parses and validates a stored tier manifest; any fault is a CorruptError naming `key`. */
export function decodeTierManifest(text: string, key: string): TierManifest {
  return decodeStoredJson(text, key, 'tier manifest', parse);
}

function parse(value: unknown): TierManifest {
  const root = jsonObject(value, 'manifest');
  if (root.format !== TIER_FORMAT) throw new Error(`format is ${JSON.stringify(root.format)}, expected "${TIER_FORMAT}"`);
  if (root.version !== TIER_VERSION) throw new Error(`unsupported version ${JSON.stringify(root.version)}`);
  if (!Array.isArray(root.segments)) throw new Error('segments must be an array');
  if (root.retired !== undefined && !Array.isArray(root.retired)) throw new Error('retired must be an array');
  if (root.sealed !== undefined && root.sealed !== true) throw new Error('sealed must be true when present');
  const retired = (root.retired ?? []).map((entry: unknown, i: number) => {
    const object = jsonObject(entry, `retired ${i}`);
    return {
      id: checkGeneration(jsonString(object, 'id', `retired ${i} `)),
      etag: jsonString(object, 'etag', `retired ${i} `),
      retiredAt: jsonInt(object, 'retiredAt', `retired ${i} `),
    };
  });
  const manifest: TierManifest = {
    day: parseDayName(jsonString(root, 'day')),
    segments: root.segments.map((segment, i) => parseSegment(jsonObject(segment, `segment ${i}`), `segment ${i} `)),
    ...(retired.length ? { retired } : {}),
    ...(root.sealed ? { sealed: true } : {}),
    ...(root.actors !== undefined ? { actors: jsonString(root, 'actors') } : {}),
  };
  checkCoverage(manifest);
  return manifest;
}

function parseSegment(segment: Record<string, unknown>, where: string): Segment {
  if (!Array.isArray(segment.sources) || segment.sources.length === 0) throw new Error(`${where}sources must be a non-empty array`);
  const parsed: Segment = {
    id: checkGeneration(jsonString(segment, 'id', where)),
    level: jsonInt(segment, 'level', where),
    headSize: jsonInt(segment, 'headSize', where),
    indexSize: jsonInt(segment, 'indexSize', where),
    etag: jsonString(segment, 'etag', where),
    sources: segment.sources.map((source, i) => parseSource(jsonObject(source, `${where}source ${i}`), `${where}source ${i} `)),
  };
  let base = 0;
  let block = 0;
  parsed.sources.forEach((source, i) => {
    if (source.base !== base || source.firstBlock !== block)
      throw new Error(`${where}source ${i} does not start where the one before ends`);
    if (source.entries < 1 || source.blocks < 1 || source.minTime > source.maxTime)
      throw new Error(`${where}source ${i} is empty or inverted`);
    base += source.entries;
    block += source.blocks;
  });
  return parsed;
}

function parseSource(source: Record<string, unknown>, where: string): SegmentSource {
  const int = (name: string) => jsonInt(source, name, where);
  return {
    writer: checkWriter(jsonString(source, 'writer', where)),
    seq: int('seq'),
    etag: jsonString(source, 'etag', where),
    entries: int('entries'),
    base: int('base'),
    firstBlock: int('firstBlock'),
    blocks: int('blocks'),
    minTime: int('minTime'),
    maxTime: int('maxTime'),
    indexSize: int('indexSize'),
    blocksSize: int('blocksSize'),
  };
}

/** Together the segments must cover each writer's chunks 0..k-1 exactly once. */
function checkCoverage(manifest: TierManifest): void {
  const seen = new Map<string, Set<number>>();
  for (const segment of manifest.segments)
    for (const { writer, seq } of segment.sources) {
      const seqs = seen.get(writer) ?? new Set<number>();
      if (seqs.has(seq)) throw new Error(`chunk ${seq} of ${writer} is in two segments`);
      seqs.add(seq);
      seen.set(writer, seqs);
    }
  for (const [writer, seqs] of seen)
    for (let seq = 0; seq < seqs.size; seq++)
      if (!seqs.has(seq)) throw new Error(`segments cover chunks of ${writer} with a gap at ${seq}`);
}
