import { dayClosesAt } from '../layout/day';
import type { BatchStats } from './batch-stats';
import type { WriterContext } from './types';

/**
 * How long before a day closes a writer starts marking its chunks late: longer than a writer's longest
 * call (the consumer's 2-minute timeout, a replay's batch) plus the clock skew between Lambdas, so a chunk
 * that lands after the merger sealed or the compactor compacted the day was always marked first.
 */
export const LATE_MARGIN_MS = 3_600_000;

/**
 * Whether a chunk of `day` written at `now` may land after the day closed (`closeAfterMs` after its end,
 * when the merger seals it and the compactor may compact it): a `tales replay`, a lagging shard, a backfill.
 */
export function isLateChunk(day: number, now: number, closeAfterMs: number): boolean {
  return dayClosesAt(day, closeAfterMs) - LATE_MARGIN_MS <= now;
}

/**
 * Puts the day's late-chunks marker before a late chunk is written, so that no reader takes the day's
 * seal or compaction as complete while the chunk exists. The marker is empty and never removed: putting
 * it again is harmless, and a day that has one is read in full (merged forms and writer manifests).
 */
export async function markLateChunk(context: WriterContext, stats: BatchStats, day: number): Promise<void> {
  await stats.put(context.s3, context.bucket, context.layout.lateChunksKey(day), new Uint8Array(0), 'application/octet-stream');
}
