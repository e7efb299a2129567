import { namesAll } from '../tier/actor-summary';
import { mapLimit } from '../util/map-limit';
import { chunkHead, chunkMatches, hitBound, knownMatches, readsWhole } from './chunk-matches';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import type { QueryStats } from './stats';
import { type MergeWindow, overlaps } from './window';

/** Most small writer chunks of a day read whole with its sources, as a multiple of the concurrency: past it (no merger), the merge opens them as it reaches them. */
const MAX_SMALL_CHUNKS_FACTOR = 4;

/**
 * Drops the chunks a merged segment covers that hold no hit: one head (and one bitmap read) per
 * segment answers for all of its chunks, so the merge handles only the chunks that match, however
 * many the day has; a sealed or compacted day whose actor summary lacks a queried actor opens no head
 * at all. A compacted day's head is opened (one GET, needed next anyway; and its AND result when the
 * head says it holds fewer hits than the page wants), and the day's few small
 * writer chunks are read whole and dropped when they hold no hit, so the day's bound on hits is known
 * while the days after it are still being read. Other writer chunks pass through.
 */
export async function pruneSegmentChunks(ctx: QueryContext, refs: ChunkRef[], window: MergeWindow, stats: QueryStats): Promise<ChunkRef[]> {
  const bySegment = new Map<string, ChunkRef[]>();
  const kept: ChunkRef[] = [];
  const heads = new Map<string, ChunkRef>();
  const small: ChunkRef[] = [];
  let skipped = false;
  for (const ref of refs) {
    const dayActors = ref.segment?.dayActors ?? ref.compacted?.dayActors;
    const inWindow = overlaps(ref.record, window);
    if (dayActors && !namesAll(dayActors, window.actors)) skipped = true;
    else if (ref.compacted) {
      kept.push(ref);
      if (inWindow) heads.set(ref.key, ref);
    } else if (!ref.segment) {
      if (inWindow && readsWhole(ctx, ref)) small.push(ref);
      else kept.push(ref);
    } else if (inWindow) {
      const list = bySegment.get(ref.key);
      if (list) list.push(ref);
      else bySegment.set(ref.key, [ref]);
    }
  }
  if (skipped) stats.daysSkipped++;
  // The few writer chunks no segment covers yet (written since the merger's last run) are read whole now: one GET each.
  const openNow = small.length <= MAX_SMALL_CHUNKS_FACTOR * ctx.concurrency;
  if (!openNow) kept.push(...small);
  const opening = mapLimit([...heads.values()], ctx.concurrency, async (ref) => {
    await chunkHead(ctx, ref, stats);
    // Few hits (a rare actor): the day's AND result is read now too, beside the other days', not when the merge reaches the day.
    if (hitBound(ctx, ref, window.actors) < window.wanted()) await chunkMatches(ctx, ref, window.actors, stats);
  });
  const reading = mapLimit(openNow ? small : [], ctx.concurrency, async (ref) =>
    (await chunkMatches(ctx, ref, window.actors, stats)).ordinals.size > 0 ? [ref] : [],
  );
  const matching = mapLimit([...bySegment.values()], ctx.concurrency, async (list) => {
    // The first opens the segment and ANDs its postings once; the others take their part of that result.
    const [first, ...rest] = list as [ChunkRef, ...ChunkRef[]];
    const out: ChunkRef[] = [];
    if ((await chunkMatches(ctx, first, window.actors, stats)).ordinals.size > 0) out.push(first);
    const whole = knownMatches(ctx, first, window.actors);
    for (const ref of rest) {
      const base = ref.segment?.base ?? 0;
      const hits = whole
        ? whole.count(base, base + ref.record.entries)
        : (await chunkMatches(ctx, ref, window.actors, stats)).ordinals.size;
      if (hits > 0) out.push(ref);
    }
    return out;
  });
  // All settle before an error goes up: no read of this query runs on after it.
  const [opened, read, matched] = await Promise.allSettled([opening, reading, matching]);
  for (const settled of [opened, read, matched]) if (settled.status === 'rejected') throw settled.reason;
  return [
    ...kept,
    ...(read as PromiseFulfilledResult<ChunkRef[][]>).value.flat(),
    ...(matched as PromiseFulfilledResult<ChunkRef[][]>).value.flat(),
  ];
}
