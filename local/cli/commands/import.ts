import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { CliError } from '../errors';
import { ImportRun, ImportStoppedError } from '../import/import-run';
import { openInput } from '../import/open-input';
import { NO_PROGRESS, readProgress } from '../import/progress';
import { IngestClient } from '../ingest-client';
import { untilInterrupted } from '../interrupt';
import type { CliIo } from '../io';
import type { Endpoint } from '../target';

export interface ImportOptions {
  /** Events per request. @default 500 */
  readonly batch: number;
  /** The progress file. @default - `<file>.progress` beside a file; none for stdin */
  readonly progress?: string;
}

/** Failures listed in the report; the rest are only counted. */
const SHOWN_FAILURES = 10;

/**
 * `tales import FILE.ndjson` (or `-` for stdin): posts the events (one JSON event per line; blank lines
 * skipped) in batches to the ingest endpoint, with a progress bar, and reports how many were accepted and
 * which lines failed. Lines that are not JSON fail here, without costing a request. Progress is recorded
 * after each answered request, so running the same command after an interruption resumes where it
 * stopped, without sending a line twice; lines appended to the file since are imported by a rerun too.
 */
export async function importCommand(file: string, options: ImportOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const cwd = io.cwd ?? process.cwd();
  const client = new IngestClient(endpoint, io.fetch);
  const progressPath =
    options.progress !== undefined ? resolve(cwd, options.progress) : file === '-' ? undefined : `${resolve(cwd, file)}.progress`;
  const start = progressPath ? await readProgress(progressPath) : NO_PROGRESS;
  // Opened last: nothing above can fail with the file open.
  const input = await openInput(file, cwd, io.stdin ?? process.stdin);
  if (start.offset > 0) io.out(`resuming ${input.name} after line ${start.lines} (${progressPath})\n`);

  const bar = new SingleBar({
    stream: io.progress ?? process.stderr,
    format: 'importing |{bar}| {percentage}% | {accepted} accepted, {failed} failed',
    hideCursor: true,
  });
  const showBar = io.progress !== undefined && input.size !== undefined;
  if (showBar) bar.start(input.size ?? 0, start.offset, { accepted: 0, failed: 0 });
  const run = new ImportRun(
    client,
    {
      batch: options.batch,
      ...(progressPath ? { progressPath } : {}),
      signal: untilInterrupted(io),
      sleep: io.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))),
      onProgress: (offset) => {
        if (showBar) bar.update(offset, { accepted: run.accepted, failed: run.failures.length });
      },
    },
    start,
    input.name,
  );
  let stopped: ImportStoppedError | undefined;
  try {
    await run.run(input.stream);
  } catch (error) {
    if (!(error instanceof ImportStoppedError)) throw error;
    stopped = error;
  } finally {
    if (showBar) bar.stop();
  }
  report(run, input.name, io);
  if (stopped) throw stopped;
  const failed = run.failures.length;
  if (failed > 0) throw new CliError(`${failed} event${failed === 1 ? '' : 's'} of ${input.name} failed`);
}

function report({ accepted, failures }: ImportRun, name: string, io: CliIo): void {
  io.out(`imported ${name}: ${accepted} accepted, ${failures.length} failed\n`);
  failures.sort((a, b) => a.line - b.line);
  for (const f of failures.slice(0, SHOWN_FAILURES)) io.out(`  line ${f.line}: ${f.code}: ${f.message}\n`);
  if (failures.length > SHOWN_FAILURES) io.out(`  … and ${failures.length - SHOWN_FAILURES} more\n`);
  if (failures.some((f) => f.code === 'time_out_of_window')) {
    io.out('  events older than the ingest skew window need a backfill: see docs/local.md, "Importing and backfilling"\n');
  }
}
