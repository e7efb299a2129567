import { ByteReader, ByteWriter } from '../codec/bytes';
import { CorruptError } from '../codec/errors';
import { MAX_ACTOR_ID, MAX_ACTORS_PER_EVENT } from '../event/limits';
import type { TalesEvent } from '../event/types';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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

/** A decoded block: columns that rows are read from on demand. */
export class BlockRows {
  /** All texts as one string when they are all ASCII (then byte offsets are string offsets); null when not; undefined until a row is read. */
  private asciiTexts: string | null | undefined;

  private constructor(
    readonly times: Float64Array,
    private readonly actorStart: Uint32Array,
    private readonly actors: Uint32Array,
    private readonly textStart: Uint32Array,
    private readonly texts: Uint8Array,
  ) {}

  get length(): number {
    return this.times.length;
  }

  /** Bytes the decoded block keeps in memory (its columns, and the raw block its texts are a view of), for cache budgets. */
  get memoryBytes(): number {
    return [this.times, this.actorStart, this.actors, this.textStart, this.texts].reduce((sum, array) => sum + array.buffer.byteLength, 0);
  }

  /** Validates every column against the block-table entry (count, time bounds) before use. */
  static decode(raw: Uint8Array, count: number, minTime: number, maxTime: number): BlockRows {
    const reader = new ByteReader(raw);
    const stored = reader.varint('block entry count');
    if (stored !== count) throw new CorruptError(`block holds ${stored} entries, block table says ${count}`);
    const times = new Float64Array(count);
    let time = minTime;
    for (let i = 0; i < count; i++) {
      time += reader.varint('time delta');
      if (time > maxTime) throw new CorruptError(`entry time ${time} is past the block's maximum ${maxTime}`);
      times[i] = time;
    }
    if (count > 0 && times[0] !== minTime) throw new CorruptError('first entry time differs from the block minimum');
    const actorStart = new Uint32Array(count + 1);
    for (let i = 0; i < count; i++) {
      const n = reader.u8('actor count');
      // 0 actors: an entry a purge erased (its time stays, so that later entries keep their ordinals).
      if (n > MAX_ACTORS_PER_EVENT) throw new CorruptError(`entry ${i} has ${n} actors`);
      actorStart[i + 1] = (actorStart[i] as number) + n;
    }
    const actors = new Uint32Array(actorStart[count] as number);
    for (let i = 0; i < actors.length; i++) actors[i] = reader.varint('actor id', MAX_ACTOR_ID);
    const textStart = new Uint32Array(count + 1);
    for (let i = 0; i < count; i++) textStart[i + 1] = (textStart[i] as number) + reader.varint('text length', raw.length);
    const texts = reader.take(textStart[count] as number, 'texts');
    if (reader.remaining !== 0) throw new CorruptError(`block has ${reader.remaining} trailing bytes`);
    return new BlockRows(times, actorStart, actors, textStart, texts);
  }

  /** Row `i` of the block as an event; `ordinal` is its number in the chunk. */
  row(i: number, ordinal: number): TalesEvent & { readonly ordinal: number } {
    const start = this.textStart[i] as number;
    const end = this.textStart[i + 1] as number;
    this.asciiTexts ??= allAscii(this.texts);
    let decoded: string;
    if (this.asciiTexts !== null) decoded = this.asciiTexts.slice(start, end);
    else {
      try {
        decoded = strictUtf8.decode(this.texts.subarray(start, end));
      } catch {
        throw new CorruptError(`entry ${i} text is not valid UTF-8`);
      }
    }
    return {
      time: this.times[i] as number,
      actors: Array.from(this.actors.subarray(this.actorStart[i], this.actorStart[i + 1])),
      text: decoded,
      ordinal,
    };
  }
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
