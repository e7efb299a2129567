import { createHash } from 'node:crypto';
import { backoffDelay } from '../../../shared/kinesis/backoff';
import { CliError } from '../errors';
import { type IngestClient, IngestRequestError } from '../ingest-client';
import { ndjsonLines } from './ndjson-lines';
import { type CarriedLine, type ImportProgress, writeProgress } from './progress';

export interface ImportRunOptions {
  /** Events per request. */
  readonly batch: number;
  /** Where progress is written after each answered request; none for stdin without --progress. */
  readonly progressPath?: string;
  /** Checked before each request: once aborted, the run stops with its progress saved. */
  readonly signal: AbortSignal;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called with the bytes consumed after each request. */
  readonly onProgress?: (offset: number) => void;
}

export interface LineFailure {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

/** Bytes of NDJSON per request, well below the 6 MB a Function URL accepts. */
const MAX_BATCH_BYTES = 1_000_000;
/** Requests a line the stream failed retryably (a kinesis_* code) may take part in before it counts as failed. */
export const MAX_LINE_ATTEMPTS = 5;
/** Delays between requests that resend such lines: the stream is throttled, so wait longer each time. */
const RETRY_BACKOFF = { baseMs: 1_000, maxMs: 30_000 };

/** Why a run ended before the end of its input, and how to go on. */
export class ImportStoppedError extends CliError {}

/**
 * One `tales import`: resumes after the progress it is given (checking that the input begins with the
 * bytes imported before), posts the rest in batches, resends lines the stream failed retryably, and
 * records its progress after every answered request, so that a rerun after an interruption sends no
 * line twice. Counts what this run accepted and failed.
 */
export class ImportRun {
  accepted = 0;
  readonly failures: LineFailure[] = [];
  private readonly hash = createHash('sha256');
  private offset = 0;
  private lines = 0;
  private batch: CarriedLine[];
  private batchBytes: number;
  private retryRound = 0;

  constructor(
    private readonly client: IngestClient,
    private readonly options: ImportRunOptions,
    private readonly start: ImportProgress,
    private readonly inputName: string,
  ) {
    this.batch = [...start.carry];
    this.batchBytes = start.carry.reduce((sum, line) => sum + Buffer.byteLength(line.text) + 1, 0);
  }

  async run(input: AsyncIterable<Buffer | string>): Promise<void> {
    for await (const line of ndjsonLines(input)) {
      if (this.offset < this.start.offset) {
        this.consume(line.bytes);
        if (this.offset >= this.start.offset) this.checkResumePoint();
        continue;
      }
      const bytes = Buffer.byteLength(line.text) + 1;
      if (this.batchBytes + bytes > MAX_BATCH_BYTES) await this.send();
      this.consume(line.bytes);
      this.take(line.number, line.text, bytes);
      if (this.batch.length >= this.options.batch) await this.send();
    }
    if (this.offset < this.start.offset) this.checkResumePoint();
    while (this.batch.length > 0) await this.send();
    await this.save();
  }

  private consume(bytes: Buffer): void {
    this.hash.update(bytes);
    this.offset += bytes.length;
    this.lines++;
  }

  private checkResumePoint(): void {
    if (this.offset === this.start.offset && this.hash.copy().digest('hex') === this.start.sha256) return;
    throw new CliError(
      `${this.inputName} does not begin with the ${this.start.offset} bytes imported before (as ${this.options.progressPath} records): ` +
        `delete that file to import ${this.inputName} from the start`,
    );
  }

  private take(number: number, text: string, bytes: number): void {
    if (text.trim() === '') return;
    try {
      JSON.parse(text);
    } catch (error) {
      this.failures.push({ line: number, code: 'invalid_json', message: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    this.batch.push({ number, text, attempts: 0 });
    this.batchBytes += bytes;
  }

  /** Posts the batch; lines failed retryably make up the next batch, ahead of lines not read yet. */
  private async send(): Promise<void> {
    const lines = this.batch;
    if (lines.length === 0) return;
    if (this.options.signal.aborted) throw this.stopped('interrupted', lines);
    if (this.retryRound > 0) await this.options.sleep(backoffDelay(this.retryRound, RETRY_BACKOFF));
    const carry: CarriedLine[] = [];
    try {
      const answer = await this.client.post(lines.map((l) => l.text).join('\n'), 'application/x-ndjson');
      this.accepted += answer.accepted;
      for (const failure of answer.failed) {
        const line = lines[failure.index];
        if (!line) continue;
        if (failure.code.startsWith('kinesis_') && line.attempts + 1 < MAX_LINE_ATTEMPTS) {
          carry.push({ ...line, attempts: line.attempts + 1 });
        } else {
          this.failures.push({ line: line.number, code: failure.code, message: failure.message });
        }
      }
    } catch (error) {
      // A 400 or 413 refuses the whole request and writes nothing: its lines fail, the import goes on.
      if (!(error instanceof IngestRequestError && (error.status === 400 || error.status === 413))) {
        throw this.stopped(error instanceof CliError ? error.message : String(error), lines);
      }
      for (const line of lines) this.failures.push({ line: line.number, code: 'request_failed', message: error.message });
    }
    this.retryRound = carry.length > 0 ? this.retryRound + 1 : 0;
    this.batch = carry;
    this.batchBytes = carry.reduce((sum, line) => sum + Buffer.byteLength(line.text) + 1, 0);
    await this.save();
  }

  private async save(): Promise<void> {
    this.options.onProgress?.(this.offset);
    if (!this.options.progressPath) return;
    await writeProgress(this.options.progressPath, {
      version: 1,
      offset: this.offset,
      lines: this.lines,
      sha256: this.hash.copy().digest('hex'),
      carry: this.batch,
    });
  }

  private stopped(why: string, lines: readonly CarriedLine[]): ImportStoppedError {
    const first = lines[0]?.number ?? this.lines;
    const resume = this.options.progressPath
      ? `run the same command again to resume (progress in ${this.options.progressPath})`
      : 'an import from stdin resumes only with --progress FILE';
    return new ImportStoppedError(`${why}; stopped before line ${first} of ${this.inputName}: ${resume}`);
  }
}
