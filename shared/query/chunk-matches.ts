import { s3Source } from '../aws/s3-source';
import type { ChunkIndex } from '../chunk/chunk-index';
import { matchOrdinals, openChunk } from '../chunk/reader';
import type { ByteSource } from '../chunk/source';
import { CorruptError, FormatError } from '../codec/errors';
import type { OrdinalSet } from '../codec/ordinal-set';
import { matchesMeta } from '../compact/compacted-day';
import type { CompactMeta } from '../compact/meta';
import { checkChunk } from '../manifest/check-chunk';
import type { Segment, SegmentSource } from '../tier/manifest';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import { StoreReadError } from './errors';
import type { QueryStats } from './stats';

/** A chunk whose head is open, with the ordinals that name every queried actor (ascending). */
export interface ChunkMatches {
  readonly ref: ChunkRef;
  readonly index: ChunkIndex;
  readonly source: ByteSource;
  /** Ordinals of `index`: the chunk's own, or for a compacted source day ordinals from `base` on. */
  readonly ordinals: OrdinalSet;
  /** What to subtract from an ordinal of `index` to get the chunk's own (0 for a writer chunk). */
  readonly base: number;
  /** Where the blocks are when not after the index in the same object (a compacted day's data object). */
  readonly blocksAt?: { readonly source: ByteSource; readonly offset: number };
}

/**
 * Opens a chunk's head (from the cache, else one ranged GET of the manifest's `headSize`) and ANDs
 * the actors' postings: nothing more is read when an actor is absent, one ranged GET of bitmaps otherwise.
 */
export async function chunkMatches(ctx: QueryContext, ref: ChunkRef, actors: readonly number[], stats: QueryStats): Promise<ChunkMatches> {
  const source = countedSource(ctx, ref.key, ref.record.etag, ref.record.indexSize, stats);
  const cacheKey = headKey(ref);
  let index = ctx.heads.get(cacheKey);
  if (index) {
    stats.headCacheHits++;
  } else {
    index = await once(ctx, cacheKey, async () => {
      const opened = await openChunk(source, ctx.zstd, ref.record.headSize);
      if (ref.compacted) checkAgainstMeta(opened, ref.key, ref.compacted.meta);
      else if (ref.segment) checkAgainstSegment(opened, ref.key, ref.segment.segment);
      else checkChunk(opened, ref.key, ref.record, ref.day);
      ctx.heads.set(cacheKey, opened);
      return opened;
    });
  }
  stats.chunksOpened++;
  const shared = ref.compacted ?? ref.segment;
  if (!shared) return { ref, index, source, ordinals: await matchOrdinals(index, source, actors), base: 0 };
  const opened = index;
  const key = matchKey(ref, actors);
  const ordinals =
    ctx.dayMatches.get(key) ??
    (await once(ctx, key, async () => {
      const found = await matchOrdinals(opened, source, actors);
      ctx.dayMatches.set(key, found);
      return found;
    }));
  const { base } = shared;
  const mine = ordinals.within(base, base + ref.record.entries);
  if (ref.segment) {
    const { blocks } = ref.segment;
    return {
      ref,
      index,
      source,
      ordinals: mine,
      base,
      blocksAt: { source: countedSource(ctx, blocks.key, blocks.etag, 0, stats), offset: blocks.offset },
    };
  }
  const { meta } = ref.compacted as NonNullable<ChunkRef['compacted']>;
  const data = countedSource(ctx, ctx.layout.compactDataKey(meta.day, meta.generation), meta.dataEtag, 0, stats);
  return { ref, index, source, ordinals: mine, base, blocksAt: { source: data, offset: 0 } };
}

/** Runs `read` unless the same read is under way, then shares its result. */
function once<T>(ctx: QueryContext, key: string, read: () => Promise<T>): Promise<T> {
  const running = ctx.inflight.get(key) as Promise<T> | undefined;
  if (running) return running;
  const started = read().finally(() => ctx.inflight.delete(key));
  ctx.inflight.set(key, started);
  return started;
}

function checkAgainstMeta(index: ChunkIndex, key: string, meta: CompactMeta): void {
  if (!matchesMeta(index, meta)) throw new CorruptError('compacted index does not match its metadata', key);
}

function checkAgainstSegment(index: ChunkIndex, key: string, segment: Segment): void {
  const last = segment.sources[segment.sources.length - 1] as SegmentSource;
  const blocksSize = segment.sources.reduce((sum, source) => sum + source.blocksSize, 0);
  const matches =
    index.entryCount === last.base + last.entries &&
    index.blocks.length === last.firstBlock + last.blocks &&
    index.indexSize === segment.indexSize &&
    index.header.blocksSize === blocksSize;
  if (!matches) throw new CorruptError('merged segment does not match its tier manifest', key);
}

/**
 * The most hits the chunk can give, known without reading anything: the smallest of the actors'
 * entry counts when its head is cached (0 when an actor is absent); unknown (infinite) otherwise.
 */
export function hitBound(ctx: QueryContext, ref: ChunkRef, actors: readonly number[]): number {
  const index = ctx.heads.get(headKey(ref));
  if (!index) return Number.POSITIVE_INFINITY;
  const shared = ref.compacted ?? ref.segment;
  if (shared) {
    // The directory counts the whole day (or segment); its AND result, once known, counts this source exactly.
    const known = knownMatches(ctx, ref, actors);
    if (known) return known.count(shared.base, shared.base + ref.record.entries);
  }
  let bound = ref.record.entries;
  for (const actor of actors) {
    const postings = index.postings(actor);
    bound = Math.min(bound, postings ? (postings.kind === 'inline' ? postings.ordinals.length : postings.cardinality) : 0);
  }
  return bound;
}

/** The AND result over the whole index a compacted or segment source is read through, when a chunkMatches of it is cached. */
export function knownMatches(ctx: QueryContext, ref: ChunkRef, actors: readonly number[]): OrdinalSet | undefined {
  return ctx.dayMatches.get(matchKey(ref, actors));
}

/** Names a chunk's head (and its blocks) in the context's cache: key and ETag, so a rewritten object is never confused with its former self. */
export function headKey(ref: ChunkRef): string {
  return `${ref.key}#${ref.record.etag}`;
}

function matchKey(ref: ChunkRef, actors: readonly number[]): string {
  return `${headKey(ref)}|${[...actors].sort((a, b) => a - b).join(',')}`;
}

/**
 * Ranged GETs of the chunk, counted by what they fetch (the layout is head, bitmaps, blocks). Reads
 * within the index past the head (bitmaps) are kept in the context's cache, since the object never changes.
 */
function countedSource(ctx: QueryContext, key: string, etag: string, indexSize: number, stats: QueryStats): ByteSource {
  const s3 = s3Source(ctx.s3, ctx.bucket, key);
  return {
    key,
    async read(offset, length) {
      const cacheable = offset > 0 && offset < indexSize;
      const cacheKey = `${key}#${etag}@${offset}+${length}`;
      const cached = cacheable ? ctx.postings.get(cacheKey) : undefined;
      if (cached) {
        stats.bitmapCacheHits++;
        return cached;
      }
      const fetch = async () => {
        let bytes: Uint8Array;
        try {
          bytes = await s3.read(offset, length);
        } catch (error) {
          throw error instanceof FormatError ? error : new StoreReadError(key, error);
        }
        if (length > 0) stats.countGet(offset === 0 && indexSize > 0 ? 'head' : cacheable ? 'bitmap' : 'block', bytes.length);
        if (cacheable && bytes.length === length) ctx.postings.set(cacheKey, bytes);
        return bytes;
      };
      return cacheable ? once(ctx, cacheKey, fetch) : fetch();
    },
  };
}
