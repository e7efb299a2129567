import { getStoredBytes } from '../aws/get-text';
import { listFolders } from '../aws/list-folders';
import type { ReadCounter } from '../aws/s3-source';
import { FormatError } from '../codec/errors';
import type { OrdinalSet } from '../codec/ordinal-set';
import { type CompactMeta, type CompactSource, coveredChunks } from '../compact/meta';
import { readCompactMeta } from '../compact/read-meta';
import { dayClosesAt } from '../layout/day';
import type { Manifest } from '../manifest/manifest';
import { readManifest } from '../manifest/read-manifest';
import { type StoredChunk, storedChunks } from '../manifest/stored-chunks';
import { decodeActorSummary } from '../tier/actor-summary';
import { blocksOffsetOf, coverageOf, type Segment, type TierManifest } from '../tier/manifest';
import { readTierManifest } from '../tier/read-tier';
import { mapLimit } from '../util/map-limit';
import type { QueryContext } from './context';
import { StoreReadError } from './errors';
import type { QueryStats } from './stats';

/** Writer manifests read at once, as a multiple of the concurrency: a day of 16 shards in one round trip, not two. */
const MANIFEST_FACTOR = 4;

/** The late-chunks marker is empty; its content is ignored, and a large one refused unread. */
const LATE_MARKER_MAX_BYTES = 1024;

/** One chunk a query may read, with what its manifest (or the compacted day) says about it; for a compacted source `key` is the day's index object. */
export interface ChunkRef extends StoredChunk {
  /** Set when the chunk lives in a compacted day: its entries are day ordinals from `base` on. */
  readonly compacted?: {
    readonly meta: CompactMeta;
    readonly base: number;
    /** The actors of the whole day, when its metadata carries them: a query for another actor skips the day unopened. */
    readonly dayActors?: OrdinalSet;
  };
  /** Set when the chunk is read through a merged segment (`key`): entries are segment ordinals from `base` on, blocks stay in the chunk. */
  readonly segment?: {
    readonly segment: Segment;
    readonly base: number;
    readonly blocks: { readonly key: string; readonly etag: string; readonly offset: number };
    /** The actors of the whole day, when its tier manifest is sealed: a query for another actor skips the day unopened. */
    readonly dayActors?: OrdinalSet;
  };
}

/**
 * The chunks that hold a day's events, from the context's cache while the day's entry is fresh
 * (see QueryContextOptions.dayTtlMs), else read (below) and cached: so a warm query neither lists a
 * day nor reads its manifests again, and a day that may still change is read again within seconds.
 */
export async function daySources(
  ctx: QueryContext,
  day: number,
  stats: QueryStats,
  onSegments?: (refs: ChunkRef[]) => void,
): Promise<ChunkRef[]> {
  const cached = ctx.days.get(String(day));
  if (cached && cached.expires > ctx.now()) {
    stats.dayCacheHits++;
    return [...cached.refs];
  }
  const read = ctx.now();
  const closed = dayClosesAt(day, ctx.closeAfterMs) <= read;
  const refs = await readDaySources(ctx, day, closed, stats, onSegments);
  ctx.days.set(String(day), { refs, expires: read + (closed ? ctx.dayTtlMs.closed : ctx.dayTtlMs.open) });
  return refs;
}

/**
 * The chunks that hold a day's events: each writer's manifest, read in parallel. This is the one
 * place that knows where a day's data lives, so a compacted form can be added beside it.
 *
 * The day's writers come from listing its folder; the manifests of the writers seen last time
 * (usually the same shards) are fetched during that list, which saves a round trip. A writer that has
 * stored a first chunk but no manifest yet has nothing visible. An open day is listed beside its
 * metadata probes (a compaction forced early, its merged segments).
 */
async function readDaySources(
  ctx: QueryContext,
  day: number,
  closed: boolean,
  stats: QueryStats,
  onSegments?: (refs: ChunkRef[]) => void,
): Promise<ChunkRef[]> {
  if (closed) return readClosedDay(ctx, day, stats);
  return readDay(ctx, day, compactMetaOf(ctx, day, stats), tierOf(ctx, day, stats), stats, onSegments);
}

/**
 * A closed day: its compacted metadata and late-chunks marker first. Unless a writer marked the day (a
 * chunk written so late that a seal or compaction may have missed it), a compaction committed after the
 * close covers every chunk, and the day needs nothing else: no tier manifest, no list, no writer manifest.
 * Else its tier manifest: unmarked and sealed, it covers every chunk (and a compaction forced before the
 * close stands for it when it covers every sealed source). Else the day is read as an open one, its
 * list beside the tier manifest when the marker already says the list is needed. Compacted days are the
 * common closed ones (the compactor runs half an hour after the close), so a sealed one not compacted
 * yet pays the round trip.
 */
async function readClosedDay(ctx: QueryContext, day: number, stats: QueryStats): Promise<ChunkRef[]> {
  const [meta, late] = await Promise.all([compactMetaOf(ctx, day, stats), lateMarkerOf(ctx, day, stats)]);
  if (!late && meta && meta.committedAt >= dayClosesAt(day, ctx.closeAfterMs)) return compactedChunks(ctx, meta);
  const tier = tierOf(ctx, day, stats);
  if (!late) {
    const merged = await tier;
    if (merged?.sealed && !meta) return segmentChunks(ctx, merged);
    if (merged?.sealed && meta && coversTier(meta, merged)) return compactedChunks(ctx, meta);
  }
  return readDay(ctx, day, Promise.resolve(meta), tier, stats);
}

/**
 * The day's writer chunks, listed while its merged forms are read: chunks a compaction or the segments
 * cover are read through them, the others (written since) as writer chunks beside them. A list error
 * goes up first, once the other reads settle.
 */
async function readDay(
  ctx: QueryContext,
  day: number,
  probe: Promise<CompactMeta | undefined>,
  tier: Promise<TierManifest | undefined>,
  stats: QueryStats,
  onSegments?: (refs: ChunkRef[]) => void,
): Promise<ChunkRef[]> {
  // The chunks the segments cover are known once both probes are in, while the writers' manifests are
  // still being read: `onSegments` may open the segments meanwhile (a round trip saved on a day not compacted).
  const segments = Promise.all([probe, tier]).then(([meta, merged]) => (meta || !merged ? undefined : segmentChunks(ctx, merged)));
  segments.then(
    (refs) => refs && onSegments?.(refs),
    () => undefined,
  );
  let chunks: ChunkRef[];
  try {
    chunks = await writerChunks(ctx, day, stats);
  } catch (error) {
    await Promise.allSettled([probe, tier]);
    throw error;
  }
  const [meta, merged] = await Promise.all([probe, tier]);
  if (!meta) {
    if (!merged) return chunks;
    const covered = coverageOf(merged);
    return [...((await segments) ?? []), ...chunks.filter((ref) => ref.record.seq >= (covered.get(ref.writer) ?? 0))];
  }
  // Chunks a writer wrote after the compaction (late events) stay writer chunks, read beside it.
  const late = chunks.filter((ref) => ref.record.seq >= coveredChunks(meta, ref.writer));
  return [...compactedChunks(ctx, meta), ...late];
}

/** Whether the compacted day holds every chunk the sealed tier manifest covers. */
function coversTier(meta: CompactMeta, tier: TierManifest): boolean {
  return tier.segments.every((segment) => segment.sources.every((source) => source.seq < coveredChunks(meta, source.writer)));
}

/**
 * The compacted day as chunks in its index and data objects: a re-encoded day is one, whose entries
 * carry their source's (writer, seq, ordinal) and whose `writer` is '' (it spans them all), or none when
 * a purge erased every event; a day of format 1 is one per source, each over its range of day ordinals.
 */
function compactedChunks(ctx: QueryContext, meta: CompactMeta): ChunkRef[] {
  const key = ctx.layout.compactIndexKey(meta.day, meta.generation);
  const index = { headSize: meta.headSize, indexSize: meta.indexSize, size: meta.indexSize + meta.dataSize, etag: meta.indexEtag };
  if (meta.version === 2) {
    const { entries, minTime, maxTime } = meta;
    if (entries === 0) return [];
    const record = mergedRecord({ seq: 0, entries, minTime, maxTime }, index);
    const dayActors = meta.actors === undefined ? undefined : decodeActorSummary(meta.actors, ctx.layout.compactMetaKey(meta.day));
    return [{ day: meta.day, writer: '', key, record, compacted: { meta, base: 0, ...(dayActors ? { dayActors } : {}) } }];
  }
  return meta.sources.map((source) => ({
    day: meta.day,
    writer: source.writer,
    key,
    record: mergedRecord(source, index),
    compacted: { meta, base: source.base },
  }));
}

/**
 * The chunks the day's merged segments cover, each read through its segment's index (one head for
 * many chunks) over its range of segment ordinals, its blocks still in the chunk object.
 */
function segmentChunks(ctx: QueryContext, tier: TierManifest): ChunkRef[] {
  const dayActors = tier.actors === undefined ? undefined : decodeActorSummary(tier.actors, ctx.layout.tierManifestKey(tier.day));
  return tier.segments.flatMap((segment) => {
    const key = ctx.layout.segmentKey(tier.day, segment.id);
    return segment.sources.map((source, i) => ({
      day: tier.day,
      writer: source.writer,
      key,
      record: mergedRecord(source, {
        headSize: segment.headSize,
        indexSize: segment.indexSize,
        size: segment.indexSize,
        etag: segment.etag,
      }),
      segment: {
        segment,
        base: source.base,
        blocks: { key: ctx.layout.chunkKey(tier.day, source.writer, source.seq), etag: source.etag, offset: blocksOffsetOf(segment, i) },
        ...(dayActors ? { dayActors } : {}),
      },
    }));
  });
}

/** The manifest-like record of a chunk read through a merged index object (compacted day or segment). */
function mergedRecord(
  source: Pick<CompactSource, 'seq' | 'entries' | 'minTime' | 'maxTime'>,
  index: { readonly headSize: number; readonly indexSize: number; readonly size: number; readonly etag: string },
): ChunkRef['record'] {
  const { seq, entries, minTime, maxTime } = source;
  return { seq, entries, minTime, maxTime, ...index, watermark: '0' };
}

async function tierOf(ctx: QueryContext, day: number, stats: QueryStats): Promise<TierManifest | undefined> {
  return (
    await countedRead(ctx.layout.tierManifestKey(day), 'tierManifest', stats, (read) =>
      readTierManifest(ctx.s3, ctx.bucket, ctx.layout, day, read),
    )
  )?.manifest;
}

/** Whether a writer marked the day for a chunk written so late that its seal or compaction may have missed it. */
async function lateMarkerOf(ctx: QueryContext, day: number, stats: QueryStats): Promise<boolean> {
  const key = ctx.layout.lateChunksKey(day);
  return (
    (await countedRead(key, 'lateMarker', stats, (read) => getStoredBytes(ctx.s3, ctx.bucket, key, read, LATE_MARKER_MAX_BYTES))) !==
    undefined
  );
}

function compactMetaOf(ctx: QueryContext, day: number, stats: QueryStats): Promise<CompactMeta | undefined> {
  return countedRead(ctx.layout.compactMetaKey(day), 'compactMeta', stats, (read) =>
    readCompactMeta(ctx.s3, ctx.bucket, ctx.layout, day, read),
  );
}

/** Every chunk the day's writer manifests list. */
async function writerChunks(ctx: QueryContext, day: number, stats: QueryStats): Promise<ChunkRef[]> {
  const read = (writer: string) => manifestOf(ctx, day, writer, stats);
  const guessed = ctx.writerHint.names;
  const early = mapLimit(guessed, MANIFEST_FACTOR * ctx.concurrency, read);
  // If the list fails, the manifest reads already started must settle before the error goes up.
  early.catch(() => undefined);
  let writers: string[];
  try {
    writers = await listWriters(ctx, day, stats);
  } catch (error) {
    await Promise.allSettled([early]);
    throw error;
  }
  ctx.writerHint.names = writers;
  const late = await mapLimit(
    writers.filter((writer) => !guessed.includes(writer)),
    MANIFEST_FACTOR * ctx.concurrency,
    read,
  );
  // A guessed writer missing from the list has no manifest (or one written since: newer, and kept).
  const manifests = [...(await early), ...late];
  return storedChunks(ctx.layout, manifests);
}

/** The day's writers, from listing its folder: every page counted, a failed list naming the prefix. */
async function listWriters(ctx: QueryContext, day: number, stats: QueryStats): Promise<string[]> {
  const prefix = ctx.layout.writersPrefix(day);
  const folders: string[] = [];
  try {
    for await (const folder of listFolders(ctx.s3, ctx.bucket, prefix, { onPage: () => stats.countList() })) folders.push(folder);
  } catch (error) {
    throw new StoreReadError(prefix, error);
  }
  return folders.map((folder) => ctx.layout.writerOfPrefix(day, folder));
}

function manifestOf(ctx: QueryContext, day: number, writer: string, stats: QueryStats): Promise<Manifest | undefined> {
  const key = ctx.layout.manifestKey(day, writer);
  return countedRead(key, 'manifest', stats, (read) => readManifest(ctx.s3, ctx.bucket, key, writer, day, read));
}

/** One object read through `read`, counted as `kind` once it made a request; an S3 fault becomes a StoreReadError naming `key`. */
async function countedRead<T>(
  key: string,
  kind: 'compactMeta' | 'tierManifest' | 'lateMarker' | 'manifest',
  stats: QueryStats,
  read: (counter: ReadCounter) => Promise<T>,
): Promise<T> {
  const counter = { requests: 0, bytes: 0 };
  try {
    return await read(counter);
  } catch (error) {
    throw error instanceof FormatError ? error : new StoreReadError(key, error);
  } finally {
    if (counter.requests) stats.countGet(kind, counter.bytes);
  }
}
