import { mapLimit } from '../util/map-limit';
import { chunkMatches } from './chunk-matches';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import type { QueryStats } from './stats';
import type { MergeWindow } from './window';

/**
 * Drops the chunks a merged segment covers that hold no hit: one head (and one bitmap read) per
 * segment answers for all of its chunks, so the merge handles only the chunks that match, however
 * many the day has. Writer chunks and compacted sources pass through.
 */
export async function pruneSegmentChunks(ctx: QueryContext, refs: ChunkRef[], window: MergeWindow, stats: QueryStats): Promise<ChunkRef[]> {
  const bySegment = new Map<string, ChunkRef[]>();
  const kept: ChunkRef[] = [];
  for (const ref of refs) {
    if (!ref.segment) kept.push(ref);
    else if (ref.record.maxTime >= window.lo && ref.record.minTime <= window.hi) {
      const list = bySegment.get(ref.key);
      if (list) list.push(ref);
      else bySegment.set(ref.key, [ref]);
    }
  }
  const matching = await mapLimit([...bySegment.values()], ctx.concurrency, async (list) => {
    const out: ChunkRef[] = [];
    // The first opens the segment and ANDs its postings once; the others take their part of that result.
    for (const ref of list) if ((await chunkMatches(ctx, ref, window.actors, stats)).ordinals.length > 0) out.push(ref);
    return out;
  });
  return [...kept, ...matching.flat()];
}
