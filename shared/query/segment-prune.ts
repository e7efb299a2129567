import { namesAll } from '../tier/actor-summary';
import { mapLimit } from '../util/map-limit';
import { chunkMatches, knownMatches } from './chunk-matches';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import type { QueryStats } from './stats';
import type { MergeWindow } from './window';

/**
 * Drops the chunks a merged segment covers that hold no hit: one head (and one bitmap read) per
 * segment answers for all of its chunks, so the merge handles only the chunks that match, however
 * many the day has; a sealed day whose actor summary lacks a queried actor opens no head at all.
 * Writer chunks and compacted sources pass through.
 */
export async function pruneSegmentChunks(ctx: QueryContext, refs: ChunkRef[], window: MergeWindow, stats: QueryStats): Promise<ChunkRef[]> {
  const bySegment = new Map<string, ChunkRef[]>();
  const kept: ChunkRef[] = [];
  let skipped = false;
  for (const ref of refs) {
    if (!ref.segment) kept.push(ref);
    else if (ref.segment.dayActors && !namesAll(ref.segment.dayActors, window.actors)) skipped = true;
    else if (ref.record.maxTime >= window.lo && ref.record.minTime <= window.hi) {
      const list = bySegment.get(ref.key);
      if (list) list.push(ref);
      else bySegment.set(ref.key, [ref]);
    }
  }
  if (skipped) stats.daysSkipped++;
  const matching = await mapLimit([...bySegment.values()], ctx.concurrency, async (list) => {
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
  return [...kept, ...matching.flat()];
}
