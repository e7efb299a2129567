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
  readonly compaction: CompactOutcome['status'] | 'failed';
  readonly sweep: SweepOutcome['status'] | 'not-compacted';
  readonly sources?: number;
  readonly entries?: number;
  /** Events the filter (the erased actors) dropped. */
  readonly dropped?: number;
  /** Bytes the re-encoded day stores: index + data objects. */
  readonly storedBytes?: number;
  /** Why the day failed; the other days of the run go on. */
  readonly error?: unknown;
}

/**
 * Compacts each day that needs it, then deletes the writer chunks of days compacted over the grace
 * period ago. Each day stands alone: one that fails is reported as `failed` with its error (having
 * removed what it wrote) and the run goes on with the next.
 */
export async function runCompaction(ctx: CompactContext, run: CompactionRun): Promise<DayReport[]> {
  const today = dayNumber(run.now);
  const days = run.days ?? Array.from({ length: (run.lookbackDays ?? 7) + 1 }, (_, i) => today - (run.lookbackDays ?? 7) + i);
  const reports: DayReport[] = [];
  for (const day of days) {
    try {
      const report = await compactAndSweep(ctx, run, day);
      if (report) reports.push(report);
    } catch (error) {
      reports.push({ day: dayName(day), compaction: 'failed', sweep: 'not-compacted', error });
    }
  }
  return reports;
}

async function compactAndSweep(ctx: CompactContext, run: CompactionRun, day: number): Promise<DayReport | undefined> {
  const outcome = await compactDay(ctx, day, run);
  const meta = outcome.status === 'compacted' || outcome.status === 'already-compacted' ? outcome.meta : undefined;
  const sweep = meta ? await sweepCompactedChunks(ctx, meta, run.now, run.graceMs ?? 3_600_000) : { status: 'not-compacted' as const };
  const report: DayReport = { day: dayName(day), compaction: outcome.status, sweep: sweep.status };
  if (outcome.status === 'empty' && sweep.status === 'not-compacted') return undefined;
  return outcome.status === 'compacted'
    ? {
        ...report,
        sources: outcome.stats.sources,
        entries: outcome.stats.entries,
        dropped: outcome.stats.dropped,
        storedBytes: outcome.stats.indexBytes + outcome.stats.dataBytes,
      }
    : report;
}
