import { ByteReader, ByteWriter } from '../codec/bytes';
import { CorruptError } from '../codec/errors';
import { MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT } from '../event/limits';
import type { TalesEvent } from '../event/types';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Rows of a block whose texts are decoded one by one before the whole block's texts are decoded at once. */
const ROWS_DECODED_ALONE = 8;

/** Columnar body of one block, before compression; entries ascend by time. */
export function encodeBlock(entries: readonly TalesEvent[], texts: readonly Uint8Array[], minTime: number): Uint8Array {
  const out = new ByteWriter(64 * 1024);
  out.varint(entries.length);
  let previous = minTime;
  for (const entry of entries) {
    out.varint(entry.time - previous);
    previous = entry.time;
  }
  for (const entry of entries) out.u8(entry.actors.length);
  for (const entry of entries) for (const actor of entry.actors) out.varint(actor);
  for (const text of texts) out.varint(text.length);
  for (const text of texts) out.bytes(text);
  return out.finish();
}

/** Where a re-encoded day's entries came from: each one's source chunk (by number) and its ordinal there. */
export interface BlockOrigins {
  readonly sources: Uint32Array;
  readonly ordinals: Float64Array;
}

/** A decoded block: columns that rows are read from on demand. */
export class BlockRows {
  /** All texts as one string when they are all ASCII (then byte offsets are string offsets); null when not; undefined until many rows are read. */
  private asciiTexts: string | null | undefined;
  /** Rows read so far: the first few decode their own text, cheaper than the whole block's when a query wants a row or two. */
  private rowsRead = 0;

  constructor(
    readonly times: Float64Array,
    private readonly actorStart: Uint32Array,
    private readonly actors: Uint32Array,
    private readonly textStart: Uint32Array,
    private readonly texts: Uint8Array,
    private readonly origins?: BlockOrigins,
  ) {}

  get length(): number {
    return this.times.length;
  }

  /**
   * Bytes the decoded block keeps in memory, for cache budgets: its columns, the raw block its texts are
   * a view of, and the string of all its texts that reading many of its rows builds (one byte a character).
   */
  get memoryBytes(): number {
    const arrays = [this.times, this.actorStart, this.actors, this.textStart, this.texts];
    if (this.origins) arrays.push(this.origins.sources, this.origins.ordinals);
    return arrays.reduce((sum, array) => sum + array.buffer.byteLength, 0) + this.texts.length;
  }

  /** Validates every column against the block-table entry (count, time bounds) before use. */
  static decode(raw: Uint8Array, count: number, minTime: number, maxTime: number): BlockRows {
    const reader = new ByteReader(raw);
    readCount(reader, count);
    const times = readTimes(reader, count, minTime, maxTime);
    const { actorStart, actors } = readActors(reader, count, (r) => r.varint('actor id', MAX_ACTOR_ID));
    const { textStart, texts } = readTexts(reader, count);
    return new BlockRows(times, actorStart, actors, textStart, texts);
  }

  /** Row `i` of the block as an event; `ordinal` is its number in the chunk. */
  row(
    i: number,
    ordinal: number,
  ): TalesEvent & { readonly ordinal: number; readonly origin?: { readonly source: number; readonly ordinal: number } } {
    const start = this.textStart[i] as number;
    const end = this.textStart[i + 1] as number;
    if (++this.rowsRead > ROWS_DECODED_ALONE) this.asciiTexts ??= allAscii(this.texts);
    let decoded: string;
    if (this.asciiTexts) decoded = this.asciiTexts.slice(start, end);
    else {
      try {
        decoded = strictUtf8.decode(this.texts.subarray(start, end));
      } catch {
        throw new CorruptError(`entry ${i} text is not valid UTF-8`);
      }
    }
    const row = {
      time: this.times[i] as number,
      actors: Array.from(this.actors.subarray(this.actorStart[i], this.actorStart[i + 1])),
      text: decoded,
      ordinal,
    };
    return this.origins
      ? { ...row, origin: { source: this.origins.sources[i] as number, ordinal: this.origins.ordinals[i] as number } }
      : row;
  }
}

/** Reads the entry count a column starts with and checks it against the block table's. */
export function readCount(reader: ByteReader, count: number): void {
  const stored = reader.varint('block entry count');
  if (stored !== count) throw new CorruptError(`block holds ${stored} entries, block table says ${count}`);
}

/** The times column: deltas from the block's minimum, ascending, within its bounds. */
export function readTimes(reader: ByteReader, count: number, minTime: number, maxTime: number): Float64Array {
  const times = new Float64Array(count);
  let time = minTime;
  for (let i = 0; i < count; i++) {
    time += reader.varint('time delta');
    if (time > maxTime) throw new CorruptError(`entry time ${time} is past the block's maximum ${maxTime}`);
    times[i] = time;
  }
  if (count > 0 && times[0] !== minTime) throw new CorruptError('first entry time differs from the block minimum');
  return times;
}

/** The actor counts (u8 each) then the actors, each read by `actor`. */
export function readActors(reader: ByteReader, count: number, actor: (reader: ByteReader) => number) {
  const actorStart = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const n = reader.u8('actor count');
    if (n < 1 || n > MAX_ACTORS_PER_EVENT) throw new CorruptError(`entry ${i} has ${n} actors`);
    actorStart[i + 1] = (actorStart[i] as number) + n;
  }
  const actors = new Uint32Array(actorStart[count] as number);
  for (let i = 0; i < actors.length; i++) actors[i] = actor(reader);
  return { actorStart, actors };
}

/** The text lengths then the texts; nothing may follow them. */
export function readTexts(reader: ByteReader, count: number) {
  const textStart = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) textStart[i + 1] = (textStart[i] as number) + reader.varint('text length', reader.bytes.length);
  const texts = reader.take(textStart[count] as number, 'texts');
  if (reader.remaining !== 0) throw new CorruptError(`block has ${reader.remaining} trailing bytes`);
  return { textStart, texts };
}

/**
 * The bytes as one string when every byte is ASCII, else null. Validating the block's texts once
 * and slicing is far cheaper than a decoder call per row; UTF-8 that is not ASCII decodes to fewer
 * code units than bytes, so the length test is exact, and texts that are not ASCII are decoded (and
 * validated) each on its own, since a sequence may not run from one text into the next.
 */
function allAscii(bytes: Uint8Array): string | null {
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    return null;
  }
  return decoded.length === bytes.length ? decoded : null;
}
