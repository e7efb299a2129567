import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { CliError } from '../errors';
import { IngestClient } from '../ingest-client';
import type { CliIo } from '../io';
import type { Endpoint } from '../target';

export interface ImportOptions {
  /** Events per request. @default 500 */
  readonly batch: number;
}

/** Bytes of NDJSON per request, well below the 6 MB a Function URL accepts. */
const MAX_BATCH_BYTES = 1_000_000;
/** Failures listed in the report; the rest are only counted. */
const SHOWN_FAILURES = 10;

interface Line {
  readonly number: number;
  readonly text: string;
}

/**
 * `tales import FILE.ndjson`: posts the file's events (one JSON event per line; blank lines skipped) in
 * batches to the ingest endpoint, with a progress bar, and reports how many were accepted and which
 * lines failed. Lines that are not JSON fail here, without costing a request.
 */
export async function importCommand(file: string, options: ImportOptions, endpoint: Endpoint, io: CliIo): Promise<void> {
  const path = resolve(io.cwd ?? process.cwd(), file);
  const size = await stat(path).then(
    (s) => s.size,
    () => {
      throw new CliError(`cannot read ${file}`);
    },
  );
  const client = new IngestClient(endpoint, io.fetch);
  const bar = new SingleBar({
    stream: io.progress ?? process.stderr,
    format: 'importing |{bar}| {percentage}% | {accepted} accepted, {failed} failed',
    hideCursor: true,
  });
  if (io.progress) bar.start(size, 0, { accepted: 0, failed: 0 });

  let accepted = 0;
  const failures: { line: number; code: string; message: string }[] = [];
  let batch: Line[] = [];
  let batchBytes = 0;
  let readBytes = 0;
  const send = async () => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    batchBytes = 0;
    try {
      const answer = await client.post(lines.map((l) => l.text).join('\n'), 'application/x-ndjson');
      accepted += answer.accepted;
      for (const f of answer.failed) failures.push({ line: lines[f.index]?.number ?? 0, code: f.code, message: f.message });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      for (const l of lines) failures.push({ line: l.number, code: 'request_failed', message: error.message });
    }
    if (io.progress) bar.update(readBytes, { accepted, failed: failures.length });
  };

  const reader = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const text of reader) {
      number++;
      readBytes += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      try {
        JSON.parse(text);
      } catch (error) {
        failures.push({ line: number, code: 'invalid_json', message: `not valid JSON: ${(error as Error).message}` });
        continue;
      }
      const bytes = Buffer.byteLength(text) + 1;
      if (batchBytes + bytes > MAX_BATCH_BYTES) await send();
      batch.push({ number, text });
      batchBytes += bytes;
      if (batch.length >= options.batch) await send();
    }
    await send();
  } finally {
    if (io.progress) bar.stop();
  }

  io.out(`imported ${file}: ${accepted} accepted, ${failures.length} failed\n`);
  failures.sort((a, b) => a.line - b.line);
  for (const f of failures.slice(0, SHOWN_FAILURES)) io.out(`  line ${f.line}: ${f.code}: ${f.message}\n`);
  if (failures.length > SHOWN_FAILURES) io.out(`  … and ${failures.length - SHOWN_FAILURES} more\n`);
  if (failures.length > 0) throw new CliError(`${failures.length} event${failures.length === 1 ? '' : 's'} of ${file} failed`);
}
