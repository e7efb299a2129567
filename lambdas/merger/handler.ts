import middy from '@middy/core';
import type { MergeContext } from '../../shared/tier/merge-day';
import { type MergeReport, runMerger } from '../../shared/tier/run-merger';
import type { MergerConfig } from './config';

export interface MergerLogger {
  info(message: string, attributes: Record<string, unknown>): void;
}

export interface MergerDeps {
  readonly context: () => Promise<MergeContext>;
  readonly config: MergerConfig;
  readonly logger: MergerLogger;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** A scheduled run (EventBridge): folds each open day's new chunks into merged index segments. */
export function createMergerHandler({ context, config, logger, clock = Date.now }: MergerDeps) {
  return middy<unknown, { days: MergeReport[] }>().handler(async () => {
    const days = await runMerger(await context(), { now: clock(), closeAfterMs: config.closeAfterMs, fanIn: config.fanIn });
    for (const report of days) if (report.status !== 'unchanged') logger.info('merge', { ...report });
    return { days };
  });
}
