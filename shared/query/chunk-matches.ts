import { s3Source } from '../aws/s3-source';
import type { ChunkIndex } from '../chunk/chunk-index';
import { matchOrdinals, openChunk } from '../chunk/reader';
import { type ByteSource, memorySource } from '../chunk/source';
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
 * A small object not opened yet (see QueryContext.wholeObjectBytes) is read whole in one GET instead, and
 * its bitmaps (a compacted day's actor columns, a writer chunk's blocks) come from those bytes.
 */
export async function chunkMatches(ctx: QueryContext, ref: ChunkRef, actors: readonly number[], stats: QueryStats): Promise<ChunkMatches> {
  const cached = ctx.heads.get(headKey(ref));
  const source = await headSource(ctx, ref, stats, cached !== undefined);
  const index = cached ?? (await openHead(ctx, ref, source));
  if (cached) stats.headCacheHits++;
  stats.chunksOpened++;
  const shared = ref.compacted ?? ref.segment;
  if (!shared) return { ref, index, source, ordinals: await matchOrdinals(index, source, actors), base: 0 };
  const key = matchKey(ref, actors);
  const ordinals =
    ctx.dayMatches.get(key) ??
    (await once(ctx, key, async () => {
      const found = await matchOrdinals(index, source, actors);
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

/**
 * The chunk's head, from the cache or read (one ranged GET of `headSize`, shared with a read of it under
 * way) and checked against what its manifest, segment or compacted metadata says; then cached.
 */
export async function chunkHead(ctx: QueryContext, ref: ChunkRef, stats: QueryStats): Promise<ChunkIndex> {
  const cached = ctx.heads.get(headKey(ref));
  if (cached) {
    stats.headCacheHits++;
    return cached;
  }
  return openHead(ctx, ref, await headSource(ctx, ref, stats, false));
}

/**
 * Reads of the object a chunk's head is in: from its whole bytes when they are cached, or when it is
 * small enough and not opened yet (read whole now); by ranged GETs otherwise.
 */
async function headSource(ctx: QueryContext, ref: ChunkRef, stats: QueryStats, opened: boolean): Promise<ByteSource> {
  const whole = ctx.objects.get(headKey(ref)) ?? (!opened && readsWhole(ctx, ref) ? await wholeObject(ctx, ref, stats) : undefined);
  return countedSource(ctx, ref.key, ref.record.etag, ref.record.indexSize, stats, whole);
}

/** Bytes of the object a chunk's head is in: a writer chunk's or a segment's, or a compacted day's index object (its data is another). */
function headObjectSize(ref: ChunkRef): number {
  return ref.compacted ? ref.compacted.meta.indexSize : ref.record.size;
}

/** Whether the object a chunk's head is in is small enough to be read whole (QueryContext.wholeObjectBytes). */
export function readsWhole(ctx: QueryContext, ref: ChunkRef): boolean {
  return headObjectSize(ref) <= ctx.wholeObjectBytes;
}

function openHead(ctx: QueryContext, ref: ChunkRef, source: ByteSource): Promise<ChunkIndex> {
  const cacheKey = headKey(ref);
  // A compacted day's dictionary follows its head: read along, the first block decodes without another round trip.
  const headBytes = ref.record.headSize + (ref.compacted ? DICTIONARY_MARGIN_BYTES : 0);
  return once(ctx, cacheKey, async () => {
    const opened = await openChunk(source, ctx.zstd, headBytes);
    if (ref.compacted) checkAgainstMeta(opened, ref.key, ref.compacted.meta);
    else if (ref.segment) checkAgainstSegment(opened, ref.key, ref.segment.segment);
    else checkChunk(opened, ref.key, ref.record, ref.day);
    ctx.heads.set(cacheKey, opened);
    return opened;
  });
}

/**
 * The whole object as its reference sizes it, in one GET (counted as its head), kept in the context's
 * cache. An object shorter than that gives undefined: it is then read by ranges, as any other, so a
 * truncated object fails with the same errors either way; other bytes are checked as a ranged read's
 * are, by the head's checks against the manifest (or segment) and the checksums.
 */
async function wholeObject(ctx: QueryContext, ref: ChunkRef, stats: QueryStats): Promise<Uint8Array | undefined> {
  const size = headObjectSize(ref);
  return once(ctx, `${headKey(ref)}#whole`, async () => {
    let bytes: Uint8Array;
    try {
      bytes = await s3Source(ctx.s3, ctx.bucket, ref.key).read(0, size);
    } catch (error) {
      throw new StoreReadError(ref.key, error);
    }
    stats.countGet('head', bytes.length);
    if (bytes.length !== size) return undefined;
    ctx.objects.set(headKey(ref), bytes);
    return bytes;
  });
}

/** Bytes read past a compacted day's head to take its dictionary along (16 KiB raw by default, ~7 KiB compressed). */
const DICTIONARY_MARGIN_BYTES = 32_768;

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
 * Ranged GETs of the chunk, counted by what they fetch (the layout is head, bitmaps, blocks); or, given
 * the `whole` object already read, its bytes with no request. Reads within the index past the head
 * (bitmaps) are kept in the context's cache, since the object never changes.
 */
function countedSource(ctx: QueryContext, key: string, etag: string, indexSize: number, stats: QueryStats, whole?: Uint8Array): ByteSource {
  const s3 = whole ? memorySource(key, whole) : s3Source(ctx.s3, ctx.bucket, key);
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
        if (length > 0 && !whole) stats.countGet(offset === 0 && indexSize > 0 ? 'head' : cacheable ? 'bitmap' : 'block', bytes.length);
        if (cacheable && bytes.length === length) ctx.postings.set(cacheKey, bytes);
        return bytes;
      };
      return cacheable && !whole ? once(ctx, cacheKey, fetch) : fetch();
    },
  };
}
