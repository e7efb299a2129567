import middy from '@middy/core';
import type { CompactContext } from '../../shared/compact/compact-day';
import { type DayReport, runCompaction } from '../../shared/compact/run-compaction';
import type { ErasureStore } from '../../shared/erasure/erase-actor';
import { type PurgeDayReport, runPurge } from '../../shared/erasure/run-purge';
import { parseDayName } from '../../shared/layout/day';
import type { CompactorConfig } from './config';

/** A scheduled run (EventBridge), or an on-demand `{ "day": "YYYY-MM-DD", "force"?: true }`. */
export type CompactorEvent = { readonly 'detail-type': 'Scheduled Event' } | { readonly day: string; readonly force?: boolean };

export interface CompactorLogger {
  info(message: string, attributes: Record<string, unknown>): void;
}

export interface CompactorDeps {
  readonly context: () => Promise<CompactContext>;
  readonly config: CompactorConfig;
  readonly logger: CompactorLogger;
  /** The erasure records: after compacting, each run purges erased actors (the given day only, when one is given). */
  readonly erasures: ErasureStore;
  /** @default Date.now */
  readonly clock?: () => number;
}

export function createCompactorHandler({ context, config, logger, erasures, clock = Date.now }: CompactorDeps) {
  return middy<CompactorEvent, { days: DayReport[]; purged: PurgeDayReport[] }>().handler(async (event) => {
    const request = parseEvent(event);
    const ctx = await context();
    const now = clock();
    const days = await runCompaction(ctx, {
      now,
      closeAfterMs: config.closeAfterMs,
      graceMs: config.graceMs,
      lookbackDays: config.lookbackDays,
      serverSideCopy: config.serverSideCopy,
      ...request,
    });
    for (const report of days) logger.info('compaction', { ...report });
    const purged = await runPurge(ctx, erasures, { now, graceMs: config.graceMs, ...(request.days ? { days: request.days } : {}) });
    for (const report of purged) logger.info('purge', { ...report });
    return { days, purged };
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
