import type { ChunkIndex } from '../../shared/chunk/chunk-index';
import { type ChunkEntry, matchOrdinals, type ReadOptions, readEntries } from '../../shared/chunk/reader';
import type { ByteSource } from '../../shared/chunk/source';
import type { BlockCompressor } from '../../shared/codec/zstd';
import type { TalesEvent } from '../../shared/event/types';

/** A source that records every read made through it. */
export function countingSource(inner: ByteSource): ByteSource & { reads: { offset: number; length: number }[] } {
  const reads: { offset: number; length: number }[] = [];
  return {
    key: inner.key,
    reads,
    read(offset, length) {
      reads.push({ offset, length });
      return inner.read(offset, length);
    },
  };
}

export async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The entries naming every actor in `actors`, read the way a query does: AND the postings, then the blocks. */
export async function queryChunk(
  index: ChunkIndex,
  source: ByteSource,
  zstd: BlockCompressor,
  actors: readonly number[],
  options?: ReadOptions,
): Promise<ChunkEntry[]> {
  const ordinals = await matchOrdinals(index, source, actors);
  return drain(readEntries(index, source, ordinals, zstd, options));
}

/** A batch as a chunk must hold it: stably sorted by time (ties keep arrival order) and numbered. */
export function expectedEntries(events: readonly TalesEvent[]): ChunkEntry[] {
  return events
    .map((event, arrival) => ({ event, arrival }))
    .sort((a, b) => a.event.time - b.event.time || a.arrival - b.arrival)
    .map(({ event }, ordinal) => ({ time: event.time, actors: [...event.actors], text: event.text, ordinal }));
}
