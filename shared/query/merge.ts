import type { BlockEntry } from '../chunk/directory';
import { type ChunkEntry, matchingBlocks, readEntries } from '../chunk/reader';
import { CorruptError } from '../codec/errors';
import type { OrdinalSet } from '../codec/ordinal-set';
import { sourceOf } from '../compact/meta';
import { dayNumber } from '../layout/day';
import { MinHeap } from '../util/heap';
import { mapLimit } from '../util/map-limit';
import { type ChunkMatches, chunkMatches, headKey, hitBound } from './chunk-matches';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import type { DayWalk } from './day-walk';
import { orderOf, type Position } from './order';
import type { QueryStats } from './stats';
import { type MergeWindow, overlaps, type QueryHit } from './window';

/** Chunks opened at once (those the merge will certainly reach, and those overlapping them): this many times the concurrency. */
const MAX_BATCH_FACTOR = 4;

interface Pending {
  readonly ref: ChunkRef;
  readonly bound: Position;
}

/** A block holding matches, in the query's order; `sure` counts them when the whole block is inside the window. */
interface MatchBlock {
  readonly minTime: number;
  readonly maxTime: number;
  readonly sure: number;
}

/** An open chunk in the merge: `bound` is its next hit's position, or a position no later than it. */
interface Live {
  bound: Position;
  readonly matches: ChunkMatches;
  readonly blocks: readonly MatchBlock[];
  stream?: AsyncGenerator<ChunkEntry>;
  /** The stream's next entry, being read (possibly ahead of need). */
  next?: Promise<IteratorResult<ChunkEntry>>;
  hit?: QueryHit;
}

/**
 * The query's hits in its order, lazily, from the chunks of the days `walk` yields. Days are disjoint
 * in time and come in the query's direction, so their chunks join the queue behind those already
 * there: a day loaded ahead joins at once, so its chunks can be opened and read while the day
 * before is still being merged. Chunks wait, ordered by the bound of their time range, until the
 * merge reaches that bound, and are then opened with those overlapping them and those it will
 * certainly reach (in parallel). An opened chunk starts reading at once the blocks whose hits may
 * still reach the page (see pageWave), in one parallel read; none when known hits before it fill it.
 */
export async function* mergeChunks(ctx: QueryContext, walk: DayWalk, window: MergeWindow, stats: QueryStats): AsyncGenerator<QueryHit> {
  const order = orderOf(window.descending);
  const pending: Pending[] = [];
  const enqueue = (refs: readonly ChunkRef[]) => {
    const day = refs
      .filter(({ record }) => overlaps(record, window))
      .map((ref) => ({ ref, bound: chunkBound(ref, window) }))
      .sort((a, b) => order(a.bound, b.bound));
    pending.push(...day);
  };
  const live = new MinHeap<Live>((a, b) => order(a.bound, b.bound));
  const unstarted = new Set<Live>();
  const active = new Set<Live>();
  const started: Live[] = [];
  let next = 0;
  try {
    for (;;) {
      for (let refs = walk.takeReady(); refs; refs = walk.takeReady()) enqueue(refs);
      const top = live.peek();
      const waiting = pending[next];
      if (waiting && (!top || order(waiting.bound, top.bound) <= 0 || surelyReached(active, window))) {
        const batch = nextBatch(ctx, pending, next, window, active);
        next += batch.length;
        const opened = await mapLimit(batch, ctx.concurrency, ({ ref }) => chunkMatches(ctx, ref, window.actors, stats));
        const items = opened.flatMap((matches) => liveChunk(matches, window) ?? []);
        for (const item of items) {
          unstarted.add(item);
          active.add(item);
        }
        const waves = items.map((item) => pageWave(item, unstarted, window));
        items.forEach((item, i) => {
          const wave = waves[i] as number;
          if (wave > 0) started.push(start(ctx, item, window, wave, unstarted));
          live.push(item);
        });
        continue;
      }
      if (!top) {
        const refs = await walk.next();
        if (!refs) return;
        enqueue(refs);
        continue;
      }
      live.pop();
      if (top.hit) yield top.hit;
      if (!top.stream) started.push(start(ctx, top, window, Math.max(1, pageWave(top, unstarted, window)), unstarted));
      if (await advance(top, window)) live.push(top);
      else active.delete(top);
    }
  } finally {
    // Reads started ahead of need finish before the page is returned: their cost is counted, and no
    // work of this query runs on into the next invocation.
    await Promise.allSettled(started.map((item) => item.next));
  }
}

/**
 * Whether the merge will reach the next waiting chunk whatever it reads before: the open chunks' hits
 * cannot fill the page. Then it is opened (and its blocks read) now, beside the open chunks' reads,
 * rather than once the merge has consumed them.
 */
function surelyReached(active: ReadonlySet<Live>, window: MergeWindow): boolean {
  return openHits(active) < window.wanted();
}

/** The hits of the open chunks: the most that can come before any chunk not opened yet. */
function openHits(active: ReadonlySet<Live>): number {
  let hits = 0;
  for (const item of active) hits += item.matches.ordinals.size;
  return hits;
}

/** A position no later (in the query's order) than any entry of the chunk. */
function chunkBound(ref: ChunkRef, window: MergeWindow): Position {
  const { record } = ref;
  const writer = boundWriter(ref, window);
  return window.descending
    ? { time: Math.min(record.maxTime, window.hi), writer, seq: record.seq, ordinal: Number.POSITIVE_INFINITY }
    : { time: Math.max(record.minTime, window.lo), writer, seq: record.seq, ordinal: -1 };
}

/** The chunk's writer, or for a re-encoded day (whose entries come from every writer) one sorting before (after, descending) them all. */
function boundWriter(ref: ChunkRef, window: MergeWindow): string {
  if (ref.compacted?.meta.version !== 2) return ref.writer;
  return window.descending ? '\uffff' : '';
}

/**
 * The chunks to open together, from the waiting one at `start`: those the merge will certainly reach,
 * because every hit that could come before them (open chunks' matches, and the bounds of cached heads
 * before them) cannot fill the page, and those that start within the time these reach (likely needed
 * together: a page of the newest hits across writers reads their chunks in one wave). The first kind
 * usually costs no request (cached heads, inline postings).
 */
function nextBatch(
  ctx: QueryContext,
  pending: readonly Pending[],
  start: number,
  window: MergeWindow,
  active: ReadonlySet<Live>,
): Pending[] {
  const first = pending[start] as Pending;
  const batch = [first];
  const farEdge = ({ record }: ChunkRef) => (window.descending ? record.minTime : record.maxTime);
  let before = openHits(active);
  // How far the chunks taken reach while they may not hold a page of hits: a chunk starting within it may hold some of the page's.
  let reach = farEdge(first.ref);
  before += hitBound(ctx, first.ref, window.actors);
  for (let at = start + 1; at < pending.length; at++) {
    const candidate = pending[at] as Pending;
    const { record } = candidate.ref;
    const overlaps = window.descending ? record.maxTime >= reach : record.minTime <= reach;
    const certain = before < window.wanted();
    if (!(overlaps || certain) || batch.length >= MAX_BATCH_FACTOR * ctx.concurrency) break;
    batch.push(candidate);
    if (certain) reach = window.descending ? Math.min(reach, farEdge(candidate.ref)) : Math.max(reach, farEdge(candidate.ref));
    before += hitBound(ctx, candidate.ref, window.actors);
  }
  return batch;
}

/** The opened chunk as a merge entry bounded by its first matching block; undefined when nothing matches. */
function liveChunk(matches: ChunkMatches, window: MergeWindow): Live | undefined {
  const { ref } = matches;
  let { ordinals } = matches;
  const after = window.after;
  if (after && after.writer === ref.writer && after.seq === ref.record.seq && dayNumber(after.time) === ref.day) {
    // The chunk the previous page ended in: its ordinals up to the cursor were returned already.
    const last = after.ordinal + matches.base;
    ordinals = window.descending ? ordinals.within(ordinals.lo, last) : ordinals.within(last + 1, ordinals.hi);
  }
  const blocks = matchBlocks(matches, ordinals, window);
  const first = blocks[0];
  if (!first) return undefined;
  const bound = {
    time: window.descending ? Math.min(window.hi, first.maxTime) : Math.max(window.lo, first.minTime),
    writer: boundWriter(ref, window),
    seq: ref.record.seq,
    ordinal: window.descending ? Number.POSITIVE_INFINITY : -1,
  };
  return { bound, matches: { ...matches, ordinals }, blocks };
}

/** The blocks holding `ordinals` that overlap the window, in the query's order (as readEntries reads them). */
function matchBlocks({ index }: ChunkMatches, ordinals: OrdinalSet, window: MergeWindow): MatchBlock[] {
  const blocks: MatchBlock[] = [];
  for (const { block, count } of matchingBlocks(index, ordinals)) {
    const entry = index.blocks[block] as BlockEntry;
    const minTime = index.dayStart + entry.minTime;
    const maxTime = index.dayStart + entry.maxTime;
    if (!overlaps({ minTime, maxTime }, window)) continue;
    blocks.push({ minTime, maxTime, sure: minTime >= window.lo && maxTime <= window.hi ? count : 0 });
  }
  return window.descending ? blocks.reverse() : blocks;
}

/**
 * How many of the chunk's matching blocks its first read should take: those that may still reach the
 * page. A block cannot when the page is filled by hits that surely come before it: the chunk's own
 * hits in earlier blocks, and other unstarted chunks' hits in whole blocks that end before it starts.
 */
function pageWave(item: Live, unstarted: ReadonlySet<Live>, window: MergeWindow): number {
  const wanted = window.wanted();
  let own = 0;
  let wave = 0;
  for (const block of item.blocks) {
    let before = own;
    for (const other of unstarted) {
      if (other === item) continue;
      for (const theirs of other.blocks) {
        if (window.descending ? theirs.minTime > block.maxTime : theirs.maxTime < block.minTime) before += theirs.sure;
      }
    }
    if (before >= wanted) break;
    wave++;
    own += block.sure;
  }
  return wave;
}

/** Starts reading the chunk's blocks, the first `wave` of them at once; the first entry is read ahead. */
function start(ctx: QueryContext, item: Live, window: MergeWindow, wave: number, unstarted: Set<Live>): Live {
  const stream = entries(ctx, item.matches, window, wave);
  item.stream = stream;
  // Blocks read ahead while the chunk's day was loaded (readBlocksAhead) are waited for, then found in the
  // cache; a first read started here is noted in their place, so that no read ahead of them begins meanwhile.
  const key = blocksAheadKey(item.matches.ref);
  const ahead = ctx.inflight.get(key);
  item.next = ahead ? ahead.then(() => stream.next()) : stream.next();
  if (!ahead)
    ctx.inflight.set(
      key,
      item.next.finally(() => ctx.inflight.delete(key)).catch(() => undefined),
    );
  // A read ahead of need may fail after the page is complete; then nobody awaits it but the final settle.
  item.next.catch(() => undefined);
  unstarted.delete(item);
  return item;
}

/** The chunk's matching entries in the window, read through the context's block cache, `wave` blocks at first. */
function entries(ctx: QueryContext, matches: ChunkMatches, window: MergeWindow, wave: number): AsyncGenerator<ChunkEntry> {
  const { index, source, ordinals, blocksAt } = matches;
  return readEntries(index, source, ordinals, ctx.zstd, {
    ...(blocksAt ? { blocksAt } : {}),
    from: window.lo,
    to: window.hi,
    descending: window.descending,
    maxGap: ctx.maxGap,
    concurrency: ctx.concurrency,
    firstWave: wave,
    blockCache: { rows: ctx.blocks, bytes: ctx.blockBytes, key: headKey(matches.ref), readAhead: ctx.readAheadBytes },
  });
}

/** Names a chunk's blocks read ahead: its head key is its segment's (or compacted day's) when it is read through one. */
function blocksAheadKey(ref: ChunkRef): string {
  return `${headKey(ref)}|${ref.writer}/${ref.record.seq}#blocks`;
}

/**
 * Reads and decodes, into the context's block cache, every block holding the chunk's matches in the
 * window: for a chunk of a day whose hits all belong to the page (a rare actor's day read ahead), so its
 * blocks come while the merge is still busy with the days before, not once it reaches this one. The
 * merge waits for it when it starts the chunk; a read that fails here is made again there, which
 * reports its error.
 */
export function readBlocksAhead(ctx: QueryContext, matches: ChunkMatches, window: MergeWindow): Promise<void> {
  const key = blocksAheadKey(matches.ref);
  const running = ctx.inflight.get(key);
  if (running) return running as Promise<void>;
  const wave = matchBlocks(matches, matches.ordinals, window).length;
  const stream = entries(ctx, matches, window, wave);
  const read = stream
    .next()
    .then(() => stream.return(undefined))
    .then(
      () => undefined,
      () => undefined,
    )
    .finally(() => ctx.inflight.delete(key));
  ctx.inflight.set(key, read);
  return read;
}

/** The writer and seq of a re-encoded day's source number. */
function originOf(ref: ChunkRef, source: number): { readonly writer: string; readonly seq: number } {
  const meta = ref.compacted?.meta;
  const found = meta?.version === 2 ? sourceOf(meta, source) : undefined;
  if (!found) throw new CorruptError(`entry names source ${source}, which the compacted day's metadata lacks`, ref.key);
  return found;
}

/** Moves the chunk to its next hit past the cursor; false when it has none left. */
async function advance(item: Live, window: MergeWindow): Promise<boolean> {
  const { ref, base } = item.matches;
  const order = orderOf(window.descending);
  for (;;) {
    const next = await (item.next ?? (item.stream as AsyncGenerator<ChunkEntry>).next());
    item.next = undefined;
    if (next.done) return false;
    const { time, actors, text, ordinal, origin } = next.value;
    const position = origin
      ? { time, ...originOf(ref, origin.source), ordinal: origin.ordinal }
      : { time, writer: ref.writer, seq: ref.record.seq, ordinal: ordinal - base };
    if (window.after && order(position, window.after) <= 0) continue;
    item.hit = { event: { time, actors, text }, position };
    item.bound = position;
    return true;
  }
}
