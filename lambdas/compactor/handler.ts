import middy from '@middy/core';
import type { CompactContext } from '../../shared/compact/compact-day';
import { type DayReport, runCompaction } from '../../shared/compact/run-compaction';
import type { ErasureStore } from '../../shared/erasure/erase-actor';
import { erasureFilter } from '../../shared/erasure/erased-actors';
import { readErasedSet } from '../../shared/erasure/erased-set';
import type { RecordStore } from '../../shared/erasure/purge-records';
import { type PurgeDayReport, type RecordReport, runPurge } from '../../shared/erasure/run-purge';
import { parseDayName } from '../../shared/layout/day';
import type { CompactorConfig } from './config';

/** A scheduled run (EventBridge), or an on-demand `{ "day": "YYYY-MM-DD", "force"?: true }`. */
export type CompactorEvent = { readonly 'detail-type': 'Scheduled Event' } | { readonly day: string; readonly force?: boolean };

export interface CompactorLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What one run did: each day compacted (or not), and each day the purge rewrote or found still holding erased events. */
export interface CompactorResult {
  readonly days: DayReport[];
  readonly purged: PurgeDayReport[];
  /** Record stores (rejected/, the failure destination) the purge cleaned, or failed to. */
  readonly records: RecordReport[];
}

/** Some days of a run failed (the others were compacted and purged): the invocation fails, so the compactor's Errors alarm fires. */
export class CompactionRunError extends Error {
  override readonly name = 'CompactionRunError';
}

export interface CompactorDeps {
  readonly context: () => Promise<CompactContext>;
  readonly config: CompactorConfig;
  readonly logger: CompactorLogger;
  /** The erasure records: after compacting, each run purges erased actors (the given day only, when one is given). */
  readonly erasures: ErasureStore;
  /** Records that never became events, purged of erased actors on every run: rejected/ and the failure destination. */
  readonly recordStores: readonly RecordStore[];
  /** @default Date.now */
  readonly clock?: () => number;
}

export function createCompactorHandler({ context, config, logger, erasures, recordStores, clock = Date.now }: CompactorDeps) {
  return middy<CompactorEvent, CompactorResult>().handler(async (event) => {
    const request = parseEvent(event);
    const ctx = await context();
    const now = clock();
    // Compaction drops erased actors' events as it re-encodes a closed day; the purge then rewrites days compacted before.
    const erased = await readErasedSet(erasures);
    const days = await runCompaction(ctx, {
      now,
      ...(erased.size > 0 ? { keep: erasureFilter(erased) } : {}),
      closeAfterMs: config.closeAfterMs,
      graceMs: config.graceMs,
      lookbackDays: config.lookbackDays,
      ...request,
    });
    for (const report of days) {
      if (report.compaction === 'failed') logger.error('compaction failed', { ...report });
      else logger.info('compaction', { ...report });
    }
    const { days: purged, records } = await runPurge(ctx, erasures, erased, {
      now,
      graceMs: config.graceMs,
      records: recordStores,
      ...(request.days ? { days: request.days } : {}),
    });
    for (const report of purged) {
      if (report.error !== undefined) logger.error('purge failed', { ...report });
      else logger.info('purge', { ...report });
    }
    for (const report of records) {
      if ('error' in report) logger.error('record purge failed', { ...report });
      else logger.info('record purge', { ...report });
    }
    const failures: string[] = [];
    const failed = days.filter((report) => report.compaction === 'failed');
    if (failed.length > 0) {
      const causes = failed.map((report) => `${report.day}: ${messageOf(report.error)}`);
      failures.push(`compaction failed for ${failed.length} of ${days.length} days (${causes.join('; ')})`);
    }
    const unpurged = purged.filter((report) => report.error !== undefined);
    if (unpurged.length > 0) {
      const causes = unpurged.map((report) => `${report.day}: ${messageOf(report.error)}`);
      failures.push(`purge failed for ${unpurged.length} days (${causes.join('; ')})`);
    }
    for (const report of records) if ('error' in report) failures.push(`purge of ${report.kind} failed (${messageOf(report.error)})`);
    if (failures.length > 0) throw new CompactionRunError(failures.join('; '));
    return { days, purged, records };
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
