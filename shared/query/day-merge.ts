import type { BlockEntry } from '../chunk/directory';
import { type ChunkEntry, readEntries } from '../chunk/reader';
import type { TalesEvent } from '../event/types';
import { dayNumber } from '../layout/day';
import { MinHeap } from '../util/heap';
import { mapLimit } from '../util/map-limit';
import { type ChunkMatches, chunkMatches } from './chunk-matches';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import { orderOf, type Position } from './order';
import type { QueryStats } from './stats';

/** An event the query returns, with its place in the order. */
export interface QueryHit {
  readonly event: TalesEvent;
  readonly position: Position;
}

/** What is left to produce of a query within one day. */
export interface MergeWindow {
  readonly actors: readonly number[];
  /** Inclusive time bounds, lo <= hi. */
  readonly lo: number;
  readonly hi: number;
  readonly descending: boolean;
  /** Only positions after this one, in the query's order, are produced. */
  readonly after?: Position;
}

interface Pending {
  readonly ref: ChunkRef;
  readonly bound: Position;
}

/** An open chunk in the merge: `bound` is its next hit's position, or a position no later than it. */
interface Live {
  bound: Position;
  readonly matches: ChunkMatches;
  stream?: AsyncGenerator<ChunkEntry>;
  hit?: QueryHit;
}

/**
 * The hits of one day's chunks in the query's order, lazily. Chunks wait, ordered by the bound of
 * their time range, until the merge reaches that bound; an opened chunk waits again, by its first
 * matching block, until its blocks are needed. So a consumer that stops early has read no block of a
 * chunk whose hits could not reach its page, and no head of a chunk that starts past it (but for the
 * few opened in the same parallel batch as an overlapping chunk).
 */
export async function* mergeDay(
  ctx: QueryContext,
  refs: readonly ChunkRef[],
  window: MergeWindow,
  stats: QueryStats,
): AsyncGenerator<QueryHit> {
  const order = orderOf(window.descending);
  const pending = refs
    .filter(({ record }) => record.maxTime >= window.lo && record.minTime <= window.hi)
    .map((ref) => ({ ref, bound: chunkBound(ref, window) }))
    .sort((a, b) => order(a.bound, b.bound));
  const live = new MinHeap<Live>((a, b) => order(a.bound, b.bound));
  let next = 0;
  for (;;) {
    const top = live.peek();
    const waiting = pending[next];
    if (waiting && (!top || order(waiting.bound, top.bound) <= 0)) {
      const batch = overlapping(pending, next, ctx.concurrency, window.descending);
      next += batch.length;
      const opened = await mapLimit(batch, ctx.concurrency, ({ ref }) => chunkMatches(ctx, ref, window.actors, stats));
      for (const matches of opened) {
        const item = liveChunk(matches, window);
        if (item) live.push(item);
      }
      continue;
    }
    if (!top) return;
    live.pop();
    if (top.hit) yield top.hit;
    if (await advance(ctx, top, window)) live.push(top);
  }
}

/** A position no later (in the query's order) than any entry of the chunk. */
function chunkBound({ writer, record }: ChunkRef, window: MergeWindow): Position {
  return window.descending
    ? { time: Math.min(record.maxTime, window.hi), writer, seq: record.seq, ordinal: Number.POSITIVE_INFINITY }
    : { time: Math.max(record.minTime, window.lo), writer, seq: record.seq, ordinal: -1 };
}

/** The waiting chunk at `start` and those after it whose time ranges overlap it: likely all needed together. */
function overlapping(pending: readonly Pending[], start: number, max: number, descending: boolean): Pending[] {
  const first = pending[start] as Pending;
  const batch = [first];
  for (let at = start + 1; at < pending.length && batch.length < max; at++) {
    const { record } = (pending[at] as Pending).ref;
    const overlaps = descending ? record.maxTime >= first.ref.record.minTime : record.minTime <= first.ref.record.maxTime;
    if (!overlaps) break;
    batch.push(pending[at] as Pending);
  }
  return batch;
}

/** The opened chunk as a merge entry bounded by its first matching block; undefined when nothing matches. */
function liveChunk(matches: ChunkMatches, window: MergeWindow): Live | undefined {
  const { ref, index } = matches;
  let { ordinals } = matches;
  const after = window.after;
  if (after && after.writer === ref.writer && after.seq === ref.record.seq && dayNumber(after.time) === ref.day) {
    // The chunk the previous page ended in: its ordinals up to the cursor were returned already.
    ordinals = ordinals.filter((ordinal) => (window.descending ? ordinal < after.ordinal : ordinal > after.ordinal));
  }
  const first = ordinals[0];
  const last = ordinals[ordinals.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const bound = window.descending
    ? Math.min(window.hi, index.dayStart + (index.blocks[index.directory.blockOf(last)] as BlockEntry).maxTime)
    : Math.max(window.lo, index.dayStart + (index.blocks[index.directory.blockOf(first)] as BlockEntry).minTime);
  const position = { time: bound, writer: ref.writer, seq: ref.record.seq, ordinal: window.descending ? Number.POSITIVE_INFINITY : -1 };
  return { bound: position, matches: { ...matches, ordinals } };
}

/** Moves the chunk to its next hit past the cursor, reading its blocks on first use; false when it has none left. */
async function advance(ctx: QueryContext, item: Live, window: MergeWindow): Promise<boolean> {
  const { ref, index, source, ordinals } = item.matches;
  item.stream ??= readEntries(index, source, ordinals, ctx.zstd, {
    from: window.lo,
    to: window.hi,
    descending: window.descending,
    maxGap: ctx.maxGap,
    concurrency: ctx.concurrency,
  });
  const order = orderOf(window.descending);
  for (;;) {
    const next = await item.stream.next();
    if (next.done) return false;
    const { time, actors, text, ordinal } = next.value;
    const position = { time, writer: ref.writer, seq: ref.record.seq, ordinal };
    if (window.after && order(position, window.after) <= 0) continue;
    item.hit = { event: { time, actors, text }, position };
    item.bound = position;
    return true;
  }
}
