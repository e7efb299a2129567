import { ByteReader, ByteWriter } from '../codec/bytes';
import { CorruptError } from '../codec/errors';
import type { TalesEvent } from '../event/types';
import { BlockRows, readActors, readCount, readTexts, readTimes } from './block';

/** An event of a re-encoded day with where it came from: its source chunk (by number) and ordinal there. */
export interface OriginEvent extends TalesEvent {
  readonly source: number;
  readonly ordinal: number;
}

/** The raw frames of a re-encoded block, before compression (docs/format.md, Compacted day). */
export interface DayBlockFrames {
  /** Times and origins. */
  readonly columns: Uint8Array;
  /** Text lengths and texts. */
  readonly texts: Uint8Array;
  /** Actor counts and actors, each by rank; stored in the index object. */
  readonly actors: Uint8Array;
}

/** Encodes the data frames of entries in day order (time ascending); their actor column is encoded once the day's ranks are known. */
export function encodeDayBlock(
  entries: readonly OriginEvent[],
  texts: readonly Uint8Array[],
  minTime: number,
): Omit<DayBlockFrames, 'actors'> {
  const columns = new ByteWriter(16 * 1024);
  columns.varint(entries.length);
  let previous = minTime;
  for (const entry of entries) {
    columns.varint(entry.time - previous);
    previous = entry.time;
  }
  const sources = [...new Set(entries.map((entry) => entry.source))].sort((a, b) => a - b);
  const slotOf = new Map(sources.map((source, slot) => [source, slot]));
  columns.varint(sources.length);
  for (const source of sources) columns.varint(source);
  for (const entry of entries) columns.varint(slotOf.get(entry.source) as number);
  const last = new Map<number, number>();
  for (const entry of entries) {
    columns.varint(entry.ordinal - (last.get(entry.source) ?? -1) - 1);
    last.set(entry.source, entry.ordinal);
  }
  const text = new ByteWriter(64 * 1024);
  text.varint(entries.length);
  for (const bytes of texts) text.varint(bytes.length);
  for (const bytes of texts) text.bytes(bytes);
  return { columns: columns.finish().slice(), texts: text.finish().slice() };
}

/** A block's actor column: each entry's actor count (`counts`), then all their actors (`ids`) as ranks. */
export function encodeActorColumn(counts: Uint8Array, ids: Uint32Array, rankOf: (actor: number) => number): Uint8Array {
  const out = new ByteWriter(4 * ids.length + 16);
  out.varint(counts.length);
  out.bytes(counts);
  for (const actor of ids) out.varint(rankOf(actor));
  return out.finish().slice();
}

/** What decoding a re-encoded block checks its frames against: the block table row and the day's directory. */
export interface DayBlockBounds {
  readonly count: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly sourceCount: number;
  /** Actor id of each rank. */
  readonly rankIds: Uint32Array;
}

/** Decodes and validates a re-encoded block's three raw frames into rows that carry their origins. */
export function decodeDayBlock(frames: DayBlockFrames, bounds: DayBlockBounds): BlockRows {
  const { count } = bounds;
  const columns = new ByteReader(frames.columns);
  readCount(columns, count);
  const times = readTimes(columns, count, bounds.minTime, bounds.maxTime);
  const slots = columns.varint('source slot count', count);
  if (slots === 0) throw new CorruptError('block names no source');
  const sources = new Uint32Array(slots);
  for (let s = 0; s < slots; s++) {
    sources[s] = columns.varint('source number', bounds.sourceCount - 1);
    if (s > 0 && (sources[s] as number) <= (sources[s - 1] as number)) throw new CorruptError('block sources are not ascending');
  }
  const origins = { sources: new Uint32Array(count), ordinals: new Float64Array(count) };
  const slotOf = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const slot = columns.varint('source slot', slots - 1);
    slotOf[i] = slot;
    origins.sources[i] = sources[slot] as number;
  }
  const last = new Float64Array(slots).fill(-1);
  for (let i = 0; i < count; i++) {
    const slot = slotOf[i] as number;
    const ordinal = (last[slot] as number) + 1 + columns.varint('ordinal gap', 0xffff_ffff);
    if (ordinal > 0xffff_ffff) throw new CorruptError(`entry ${i} names ordinal ${ordinal}, past 2^32 - 1`);
    last[slot] = ordinal;
    origins.ordinals[i] = ordinal;
  }
  if (columns.remaining !== 0) throw new CorruptError(`block columns have ${columns.remaining} trailing bytes`);
  const actorReader = new ByteReader(frames.actors);
  readCount(actorReader, count);
  const { rankIds } = bounds;
  const { actorStart, actors } = readActors(actorReader, count, (r) => rankIds[r.varint('actor rank', rankIds.length - 1)] as number);
  if (actorReader.remaining !== 0) throw new CorruptError(`actor column has ${actorReader.remaining} trailing bytes`);
  const textReader = new ByteReader(frames.texts);
  readCount(textReader, count);
  const { textStart, texts } = readTexts(textReader, count);
  return new BlockRows(times, actorStart, actors, textStart, texts, origins);
}
