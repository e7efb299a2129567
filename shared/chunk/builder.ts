import { concatBytes } from '../codec/bytes';
import { crc32 } from '../codec/checksum';
import type { BlockCompressor } from '../codec/zstd';
import { frameSize } from '../event/limits';
import type { TalesEvent } from '../event/types';
import { DAY_MS, dayNumber } from '../layout/day';
import { encodeBlock } from './block';
import type { DirectoryInput } from './directory';
import { writeIndex } from './index-writer';
import { type ChunkOptions, resolveChunkOptions } from './options';

/** A built chunk object and the facts its manifest entry records. */
export interface BuiltChunk {
  readonly bytes: Uint8Array;
  readonly day: number;
  readonly entryCount: number;
  readonly minTime: number;
  readonly maxTime: number;
  /** Header + directory + dictionary: what one ranged GET fetches to open the chunk. */
  readonly headSize: number;
  /** Header + directory + dictionary + bitmaps: where the blocks start. */
  readonly indexSize: number;
}

const encoder = new TextEncoder();

/**
 * Builds one chunk from validated events of a single UTC day, in arrival order.
 * Entries are sorted by (time, arrival) and numbered by ordinal.
 */
export function buildChunk(events: readonly TalesEvent[], zstd: BlockCompressor, options?: ChunkOptions): BuiltChunk {
  const { blockSize, level, inlineMax, dictionarySize } = resolveChunkOptions(options);
  const first = events[0];
  if (!first) throw new RangeError('a chunk needs at least one event');
  const day = dayNumber(first.time);
  const dayStart = day * DAY_MS;
  for (const event of events) {
    if (dayNumber(event.time) !== day) throw new RangeError(`event at ${event.time} is not in the chunk's day ${day}`);
  }
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const texts = sorted.map((event) => encoder.encode(event.text));
  const dictionary = sampleDictionary(texts, Math.min(dictionarySize, dictionaryFor(sorted, texts, blockSize)));

  const blocks: DirectoryInput['blocks'][number][] = [];
  const blockBytes: Uint8Array[] = [];
  let start = 0;
  while (start < sorted.length) {
    let end = start;
    let bytes = 0;
    do {
      bytes += frameSize((sorted[end] as TalesEvent).actors.length, (texts[end] as Uint8Array).length);
      end++;
    } while (end < sorted.length && bytes < blockSize);
    const entries = sorted.slice(start, end);
    const minTime = (entries[0] as TalesEvent).time;
    const raw = encodeBlock(entries, texts.slice(start, end), minTime);
    const compressed = zstd.compress(raw, level, dictionary);
    blocks.push({
      size: compressed.length,
      rawSize: raw.length,
      count: entries.length,
      minTime: minTime - dayStart,
      maxTime: (entries[entries.length - 1] as TalesEvent).time - dayStart,
      dictionary: dictionary.length > 0 ? 0 : -1,
      crc: crc32(compressed),
    });
    blockBytes.push(compressed);
    start = end;
  }

  const index = writeIndex(
    {
      day,
      entryCount: sorted.length,
      inlineMax,
      level,
      dictionaries: dictionary.length > 0 ? [dictionary] : [],
      blocks,
      blocksSize: blockBytes.reduce((total, block) => total + block.length, 0),
      postings: postingsOf(sorted),
    },
    zstd,
  );
  return {
    bytes: concatBytes([index.bytes, ...blockBytes]),
    day,
    entryCount: sorted.length,
    minTime: (sorted[0] as TalesEvent).time,
    maxTime: (sorted[sorted.length - 1] as TalesEvent).time,
    headSize: index.headSize,
    indexSize: index.indexSize,
  };
}

function postingsOf(sorted: readonly TalesEvent[]): Map<number, Uint32Array> {
  const byActor = new Map<number, number[]>();
  sorted.forEach((event, ordinal) => {
    for (const actor of event.actors) {
      const list = byActor.get(actor);
      if (list) list.push(ordinal);
      else byActor.set(actor, [ordinal]);
    }
  });
  return new Map([...byActor].map(([actor, ordinals]) => [actor, Uint32Array.from(ordinals)]));
}

/**
 * How big a dictionary pays: none for a chunk of one block (it sees all its text anyway), else a
 * sixteenth of the text, so small chunks do not carry a large dictionary.
 */
function dictionaryFor(sorted: readonly TalesEvent[], texts: readonly Uint8Array[], blockSize: number): number {
  let frames = 0;
  let text = 0;
  texts.forEach((bytes, i) => {
    frames += frameSize((sorted[i] as TalesEvent).actors.length, bytes.length);
    text += bytes.length;
  });
  return frames > blockSize ? Math.floor(text / 16) : 0;
}

/**
 * Texts sampled evenly across the chunk, concatenated up to `size` bytes: a raw-content zstd
 * dictionary that lets each small block compress as if it saw the whole chunk.
 */
export function sampleDictionary(texts: readonly Uint8Array[], size: number): Uint8Array {
  if (size === 0) return new Uint8Array(0);
  const dictionary = new Uint8Array(size);
  const stride = Math.max(1, Math.floor(texts.length / Math.ceil(size / averageLength(texts))));
  let at = 0;
  for (let i = 0; i < texts.length && at < size; i += stride) {
    const text = (texts[i] as Uint8Array).subarray(0, size - at);
    dictionary.set(text, at);
    at += text.length;
  }
  return dictionary.subarray(0, at);
}

function averageLength(texts: readonly Uint8Array[]): number {
  return Math.max(1, texts.reduce((n, text) => n + text.length, 0) / texts.length);
}
