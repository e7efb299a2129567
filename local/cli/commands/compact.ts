import { resolve } from 'node:path';
import type { DayReport } from '../../../shared/compact/run-compaction';
import type { PurgeDayReport } from '../../../shared/erasure/run-purge';
import { parseDayName } from '../../../shared/layout/day';
import { localCompactor } from '../../lambda/local-handlers';
import { readRunningStack, stackFilePath } from '../../stack-file';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import { isLoopbackHost } from '../loopback';

export interface CompactOptions {
  readonly day: string;
  readonly force?: boolean;
  readonly dataDir: string;
}

/**
 * `tales compact --day YYYY-MM-DD [--force]`: runs the compactor's logic on one day of the local stack
 * running on the data dir, against its s3rver directly, then its erasure purge of that day (and of the
 * rejected records and failed batches). (In AWS the compactor Lambda runs on a schedule.)
 */
export async function compactCommand(options: CompactOptions, io: CliIo): Promise<void> {
  try {
    parseDayName(options.day);
  } catch {
    throw new CliError(`--day "${options.day}" is not a UTC day: use YYYY-MM-DD`);
  }
  const dataDir = resolve(io.cwd ?? process.cwd(), options.dataDir);
  const stack = await readRunningStack(dataDir);
  if (!stack) throw new CliError(`no local stack is running on ${dataDir}: start one with npm start (or set --data-dir / TALES_DATA_DIR)`);
  // Without a local endpoint the compactor would use AWS S3 with the developer's credentials, on
  // whatever bucket the file names, and delete what it compacts there.
  const s3Endpoint = stack.env.TALES_S3_ENDPOINT;
  if (!s3Endpoint || !isLoopbackUrl(s3Endpoint)) {
    throw new CliError(
      `${stackFilePath(dataDir)} names no local S3 endpoint (TALES_S3_ENDPOINT is ${JSON.stringify(s3Endpoint ?? null)}): ` +
        'compact runs on the local stack only and never on AWS S3',
    );
  }
  const compactor = localCompactor(stack.env, 'WARN');
  try {
    const { days, purged, records } = await compactor.invoke({ day: options.day, ...(options.force ? { force: true } : {}) });
    if (days.length === 0) io.out(`${options.day}: nothing stored\n`);
    for (const report of days) io.out(`${describe(report)}\n`);
    for (const report of purged) io.out(`${describePurge(report)}\n`);
    for (const report of records) if ('records' in report) io.out(`${report.kind}: removed ${report.records} records of erased actors\n`);
  } finally {
    compactor.destroy();
  }
}

function isLoopbackUrl(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

function describePurge(report: PurgeDayReport): string {
  const held =
    report.holding.length > 0 ? `; ${report.holding.length} erased actors still held until the grace period (TALES_GRACE_MS) ends` : '';
  return `${report.day}: purged ${report.purged} erased events${held}`;
}

function describe(report: DayReport): string {
  switch (report.compaction) {
    case 'compacted':
      return `${report.day}: compacted ${report.entries} events from ${report.sources} chunks${report.dropped ? `, dropping ${report.dropped} of erased actors` : ''}`;
    case 'not-closed':
      return `${report.day}: not closed yet (events may still arrive); --force compacts it anyway`;
    case 'already-compacted':
      return `${report.day}: already compacted`;
    default:
      return `${report.day}: ${report.compaction}`;
  }
}
