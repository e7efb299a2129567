import { CLOSE_AFTER_MS, dayName, dayNumber } from '../layout/day';
import { type MergeContext, type MergeOptions, mergeDay } from './merge-day';

export interface MergerRun extends MergeOptions {
  readonly now: number;
  /** Days stay open to late chunks this long after they end; the merger looks at every open day. @default 26 h, as compaction */
  readonly closeAfterMs?: number;
}

export interface MergeReport {
  readonly day: string;
  readonly status: 'merged' | 'unchanged' | 'conflict';
  readonly chunks?: number;
  readonly segments?: number;
  /** Superseded segments deleted by this run. */
  readonly deleted?: number;
}

/**
 * One scheduled merger run: each day that may still receive chunks, oldest first, and before them the
 * day that closed last, which is sealed (folded into one segment) once; a sealed day is left alone.
 */
export async function runMerger(ctx: MergeContext, run: MergerRun): Promise<MergeReport[]> {
  const last = dayNumber(run.now);
  const first = dayNumber(run.now - (run.closeAfterMs ?? CLOSE_AFTER_MS));
  const reports: MergeReport[] = [];
  for (let day = first - 1; day <= last; day++) {
    const outcome = await mergeDay(ctx, day, { ...run, seal: day < first });
    reports.push(
      outcome.status === 'merged'
        ? {
            day: dayName(day),
            status: outcome.status,
            chunks: outcome.chunks,
            segments: outcome.manifest.segments.length,
            deleted: outcome.deleted,
          }
        : { day: dayName(day), status: outcome.status },
    );
  }
  return reports;
}
