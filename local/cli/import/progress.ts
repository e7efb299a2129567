import { readFile, rename, writeFile } from 'node:fs/promises';
import { CliError } from '../errors';

/** A line read but not yet in the stream: the ingest failed it retryably (a kinesis_* code), so it goes again. */
export interface CarriedLine {
  readonly number: number;
  readonly text: string;
  /** Requests it has been in. */
  readonly attempts: number;
}

/**
 * How far an import got, written after every answered request: every line before `offset` is in the
 * stream, reported failed, or in `carry`. `sha256` is the hash of those bytes, so a rerun resumes only
 * on the same input (or the same input with lines appended).
 */
export interface ImportProgress {
  readonly version: 1;
  /** Bytes of the input consumed. */
  readonly offset: number;
  /** Lines consumed. */
  readonly lines: number;
  readonly sha256: string;
  readonly carry: readonly CarriedLine[];
}

export const NO_PROGRESS: ImportProgress = {
  version: 1,
  offset: 0,
  lines: 0,
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  carry: [],
};

/** The progress recorded at `path`, or NO_PROGRESS when there is no such file. */
export async function readProgress(path: string): Promise<ImportProgress> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return NO_PROGRESS;
    throw new CliError(`cannot read the progress file ${path}: ${(error as Error).message}`);
  }
  const value = parseProgress(text);
  if (!value) throw new CliError(`${path} is not a tales import progress file: delete it to import from the start`);
  return value;
}

/** Replaces the progress file in one rename, so an interrupted write leaves the previous one. */
export async function writeProgress(path: string, progress: ImportProgress): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(progress)}\n`);
    await rename(temporary, path);
  } catch (error) {
    throw new CliError(`cannot write the progress file ${path}: ${(error as Error).message} (choose another with --progress FILE)`);
  }
}

function parseProgress(text: string): ImportProgress | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const p = value as Partial<ImportProgress>;
  const counts = [p.offset, p.lines].every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
  const carry =
    Array.isArray(p.carry) &&
    p.carry.every(
      (c: Partial<CarriedLine>) => Number.isSafeInteger(c.number) && typeof c.text === 'string' && Number.isSafeInteger(c.attempts),
    );
  if (p.version !== 1 || !counts || typeof p.sha256 !== 'string' || !carry) return undefined;
  return { version: 1, offset: p.offset as number, lines: p.lines as number, sha256: p.sha256, carry: p.carry as CarriedLine[] };
}
