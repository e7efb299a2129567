import { s3Source } from '../aws/s3-source';
import type { ChunkIndex } from '../chunk/chunk-index';
import { matchOrdinals, openChunk } from '../chunk/reader';
import type { ByteSource } from '../chunk/source';
import { CorruptError, FormatError } from '../codec/errors';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import { StoreReadError } from './errors';
import type { QueryStats } from './stats';

/** A chunk whose head is open, with the ordinals that name every queried actor (ascending). */
export interface ChunkMatches {
  readonly ref: ChunkRef;
  readonly index: ChunkIndex;
  readonly source: ByteSource;
  readonly ordinals: Uint32Array;
}

/**
 * Opens a chunk's head (from the cache, else one ranged GET of the manifest's `headSize`) and ANDs
 * the actors' postings: nothing more is read when an actor is absent, one ranged GET of bitmaps otherwise.
 */
export async function chunkMatches(ctx: QueryContext, ref: ChunkRef, actors: readonly number[], stats: QueryStats): Promise<ChunkMatches> {
  const source = countedSource(ctx, ref, stats);
  const cacheKey = headKey(ref);
  let index = ctx.heads.get(cacheKey);
  if (index) {
    stats.headCacheHits++;
  } else {
    index = await openChunk(source, ctx.zstd, ref.record.headSize);
    checkAgainstManifest(index, ref);
    ctx.heads.set(cacheKey, index);
  }
  stats.chunksOpened++;
  return { ref, index, source, ordinals: await matchOrdinals(index, source, actors) };
}

/**
 * The most hits the chunk can give, known without reading anything: the smallest of the actors'
 * entry counts when its head is cached (0 when an actor is absent); unknown (infinite) otherwise.
 */
export function hitBound(ctx: QueryContext, ref: ChunkRef, actors: readonly number[]): number {
  const index = ctx.heads.get(headKey(ref));
  if (!index) return Number.POSITIVE_INFINITY;
  let bound = ref.record.entries;
  for (const actor of actors) {
    const postings = index.postings(actor);
    bound = Math.min(bound, postings ? (postings.kind === 'inline' ? postings.ordinals.length : postings.cardinality) : 0);
  }
  return bound;
}

function headKey(ref: ChunkRef): string {
  return `${ref.key}#${ref.record.etag}`;
}

/** A chunk that disagrees with its manifest entry is not the chunk the manifest meant. */
function checkAgainstManifest(index: ChunkIndex, { key, day, record }: ChunkRef): void {
  const facts: [string, number, number][] = [
    ['day', index.header.day, day],
    ['entries', index.entryCount, record.entries],
    ['minTime', index.minTime, record.minTime],
    ['maxTime', index.maxTime, record.maxTime],
    ['indexSize', index.indexSize, record.indexSize],
    ['size', index.objectSize, record.size],
  ];
  for (const [name, found, expected] of facts) {
    if (found !== expected) throw new CorruptError(`chunk ${name} is ${found}, its manifest says ${expected}`, key);
  }
}

/**
 * Ranged GETs of the chunk, counted by what they fetch (the layout is head, bitmaps, blocks). Reads
 * within the index past the head (bitmaps) are kept in the context's cache, since the object never changes.
 */
function countedSource(ctx: QueryContext, { key, record }: ChunkRef, stats: QueryStats): ByteSource {
  const s3 = s3Source(ctx.s3, ctx.bucket, key);
  return {
    key,
    async read(offset, length) {
      const cacheable = offset > 0 && offset < record.indexSize;
      const cacheKey = `${key}#${record.etag}@${offset}+${length}`;
      const cached = cacheable ? ctx.postings.get(cacheKey) : undefined;
      if (cached) {
        stats.bitmapCacheHits++;
        return cached;
      }
      let bytes: Uint8Array;
      try {
        bytes = await s3.read(offset, length);
      } catch (error) {
        throw error instanceof FormatError ? error : new StoreReadError(key, error);
      }
      if (length > 0) stats.countGet(offset === 0 ? 'head' : cacheable ? 'bitmap' : 'block', bytes.length);
      if (cacheable && bytes.length === length) ctx.postings.set(cacheKey, bytes);
      return bytes;
    },
  };
}
