import middy from '@middy/core';
import type { CompactContext } from '../../shared/compact/compact-day';
import { type DayReport, runCompaction } from '../../shared/compact/run-compaction';
import { parseDayName } from '../../shared/layout/day';
import type { CompactorConfig } from './config';

/** A scheduled run (EventBridge), or an on-demand `{ "day": "YYYY-MM-DD", "force"?: true }`. */
export type CompactorEvent = { readonly 'detail-type': 'Scheduled Event' } | { readonly day: string; readonly force?: boolean };

export interface CompactorLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** Some days of a run failed (the others were compacted): the invocation fails, so the compactor's Errors alarm fires. */
export class CompactionRunError extends Error {
  override readonly name = 'CompactionRunError';
}

export interface CompactorDeps {
  readonly context: () => Promise<CompactContext>;
  readonly config: CompactorConfig;
  readonly logger: CompactorLogger;
  /** @default Date.now */
  readonly clock?: () => number;
}

export function createCompactorHandler({ context, config, logger, clock = Date.now }: CompactorDeps) {
  return middy<CompactorEvent, { days: DayReport[] }>().handler(async (event) => {
    const request = parseEvent(event);
    const days = await runCompaction(await context(), {
      now: clock(),
      closeAfterMs: config.closeAfterMs,
      graceMs: config.graceMs,
      lookbackDays: config.lookbackDays,
      ...request,
    });
    for (const report of days) {
      if (report.compaction === 'failed') logger.error('compaction failed', { ...report });
      else logger.info('compaction', { ...report });
    }
    const failed = days.filter((report) => report.compaction === 'failed');
    if (failed.length > 0) {
      const causes = failed.map(
        (report) => `${report.day}: ${report.error instanceof Error ? report.error.message : String(report.error)}`,
      );
      throw new CompactionRunError(`compaction failed for ${failed.length} of ${days.length} days (${causes.join('; ')})`);
    }
    return { days };
  });
}

function parseEvent(event: unknown): { days?: number[]; force?: boolean } {
  if (typeof event !== 'object' || event === null) throw new TypeError('compactor event must be an object');
  const record = event as Record<string, unknown>;
  if (record['detail-type'] === 'Scheduled Event') return {};
  if (typeof record.day !== 'string')
    throw new TypeError('compactor event must be a scheduled event or { "day": "YYYY-MM-DD", "force"?: boolean }');
  if (record.force !== undefined && typeof record.force !== 'boolean') throw new TypeError('"force" must be a boolean');
  return { days: [parseDayName(record.day)], force: record.force === true };
}
