import { dayName, dayNumber } from '../layout/day';
import { type CompactContext, type CompactOptions, type CompactOutcome, compactDay } from './compact-day';
import { type SweepOutcome, sweepCompactedChunks } from './sweep';

export interface CompactionRun extends CompactOptions {
  /** Days to compact; unset: every day of the last `lookbackDays` (an empty day costs two requests). */
  readonly days?: readonly number[];
  /** @default 7 */
  readonly lookbackDays?: number;
  /** How long compacted writer chunks stay for queries already under way. @default 1 h */
  readonly graceMs?: number;
}

export interface DayReport {
  readonly day: string;
  readonly compaction: CompactOutcome['status'];
  readonly sweep: SweepOutcome['status'] | 'not-compacted';
  readonly sources?: number;
  readonly entries?: number;
  readonly copiedBytes?: number;
  readonly downloadedBytes?: number;
}

/** Compacts each day that needs it, then deletes the writer chunks of days compacted over the grace period ago. */
export async function runCompaction(ctx: CompactContext, run: CompactionRun): Promise<DayReport[]> {
  const today = dayNumber(run.now);
  const days = run.days ?? Array.from({ length: (run.lookbackDays ?? 7) + 1 }, (_, i) => today - (run.lookbackDays ?? 7) + i);
  const reports: DayReport[] = [];
  for (const day of days) {
    const outcome = await compactDay(ctx, day, run);
    const meta = outcome.status === 'compacted' || outcome.status === 'already-compacted' ? outcome.meta : undefined;
    const sweep = meta ? await sweepCompactedChunks(ctx, meta, run.now, run.graceMs ?? 3_600_000) : { status: 'not-compacted' as const };
    const report: DayReport = { day: dayName(day), compaction: outcome.status, sweep: sweep.status };
    if (outcome.status === 'empty' && sweep.status === 'not-compacted') continue;
    reports.push(
      outcome.status === 'compacted'
        ? {
            ...report,
            sources: outcome.meta.sources.length,
            entries: outcome.meta.sources.reduce((n, source) => n + source.entries, 0),
            copiedBytes: outcome.moved.copiedBytes,
            downloadedBytes: outcome.moved.downloadedBytes,
          }
        : report,
    );
  }
  return reports;
}
