import type { ReadCounter } from '../aws/s3-source';
import type { BlockEntry } from '../chunk/directory';
import { matchingBlocks, readEntries } from '../chunk/reader';
import { OrdinalSet } from '../codec/ordinal-set';
import { dayNumber } from '../layout/day';
import { mapLimit } from '../util/map-limit';
import { BucketGrid } from './bucket-grid';
import { chunkMatches } from './chunk-matches';
import type { QueryContext } from './context';
import type { CountsRequest } from './counts-request';
import { type ChunkRef, daySources } from './day-sources';
import { type HiddenEvents, NOTHING_HIDDEN } from './hidden';
import { QueryStats } from './stats';
import { textMatcher } from './text-filter';
import { overlaps } from './window';

/** Matching events per equal time bucket, oldest bucket first (see BucketGrid for the edges). */
export interface CountsResult {
  /** The range counted, lo..hi inclusive, whichever way round the request gave it. */
  readonly from: number;
  readonly to: number;
  /** Milliseconds per bucket. */
  readonly width: number;
  readonly counts: number[];
  /** Blocks whose matches were counted from the index alone, and blocks read and decompressed. */
  readonly blocksFromIndex: number;
  readonly blocksDecoded: number;
  readonly stats: QueryStats;
}

/**
 * Counts the events naming every actor (and holding `contains`) in each bucket, from the index as far
 * as it can: a block lying wholly inside the range and inside one bucket adds its number of AND
 * ordinals without being read. Only blocks straddling a bucket edge or a bound are read and decoded;
 * with `contains` every matching block is, since only the text can tell. A chunk whose index names a
 * `hidden` actor (erased, not yet purged) has its matching blocks read, to leave the hidden events out.
 */
export async function runCounts(
  ctx: QueryContext,
  request: CountsRequest,
  counter?: ReadCounter,
  hidden: HiddenEvents = NOTHING_HIDDEN,
): Promise<CountsResult> {
  const stats = new QueryStats(counter);
  const lo = Math.min(request.from, request.to);
  const hi = Math.max(request.from, request.to);
  const grid = new BucketGrid(lo, hi, request.buckets);
  const first = dayNumber(lo);
  const days = Array.from({ length: dayNumber(hi) - first + 1 }, (_, i) => first + i);
  const refs = (await mapLimit(days, ctx.concurrency, (day) => daySources(ctx, day, stats)))
    .flat()
    .filter(({ record }) => overlaps(record, grid));
  const tally = { blocksFromIndex: 0, blocksDecoded: 0 };
  await mapLimit(refs, ctx.concurrency, (ref) => countChunk(ctx, ref, request, hidden, grid, tally, stats));
  return { from: lo, to: hi, width: grid.width, counts: grid.counts, ...tally, stats };
}

async function countChunk(
  ctx: QueryContext,
  ref: ChunkRef,
  request: CountsRequest,
  hidden: HiddenEvents,
  grid: BucketGrid,
  tally: { blocksFromIndex: number; blocksDecoded: number },
  stats: QueryStats,
): Promise<void> {
  const { index, source, ordinals, blocksAt } = await chunkMatches(ctx, ref, request.actors, stats);
  const whole = request.contains === undefined && !hidden.touches(index);
  const toRead: number[] = [];
  for (const { block, count } of matchingBlocks(index, ordinals)) {
    const entry = index.blocks[block] as BlockEntry;
    const minTime = index.dayStart + entry.minTime;
    const maxTime = index.dayStart + entry.maxTime;
    if (overlaps({ minTime, maxTime }, grid)) {
      const bucket = grid.bucketOf(minTime);
      if (whole && minTime >= grid.lo && maxTime <= grid.hi && bucket === grid.bucketOf(maxTime)) {
        grid.add(bucket, count);
        tally.blocksFromIndex++;
      } else {
        toRead.push(...ordinals.values(entry.first, entry.first + entry.count));
        tally.blocksDecoded++;
      }
    }
  }
  if (toRead.length === 0) return;
  const holds = textMatcher(request.contains);
  const entries = readEntries(index, source, OrdinalSet.of(Uint32Array.from(toRead)), ctx.zstd, {
    ...(blocksAt ? { blocksAt } : {}),
    from: grid.lo,
    to: grid.hi,
    maxGap: ctx.maxGap,
    concurrency: ctx.concurrency,
    // Every block here is needed: read them in waves of a bounded size (64 blocks of tens of KiB).
    firstWave: 64,
  });
  for await (const entry of entries) if (holds(entry.text) && !hidden.hides(entry.actors)) grid.add(grid.bucketOf(entry.time), 1);
}
