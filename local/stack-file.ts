import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OWNER_ONLY_FILE } from './owner-only';

/** What a running local stack publishes in its data dir, so the CLI can reach its servers directly. */
export interface StackFile {
  readonly pid: number;
  readonly url: string;
  readonly s3Endpoint: string;
  readonly kinesisEndpoint: string;
  /** The TALES_* variables its handlers were configured with (bucket, stream, prefix, endpoints). */
  readonly env: Record<string, string>;
}

const NAME = 'stack.json';

export function stackFilePath(dataDir: string): string {
  return join(dataDir, NAME);
}

export async function writeStackFile(dataDir: string, stack: StackFile): Promise<void> {
  const path = stackFilePath(dataDir);
  await writeFile(path, `${JSON.stringify(stack, null, 2)}\n`, { mode: OWNER_ONLY_FILE });
  await chmod(path, OWNER_ONLY_FILE);
}

export async function removeStackFile(dataDir: string): Promise<void> {
  await rm(stackFilePath(dataDir), { force: true });
}

/** The stack running on `dataDir`, or undefined when none is (no file, or its process is gone). */
export async function readRunningStack(dataDir: string): Promise<StackFile | undefined> {
  let stack: StackFile;
  try {
    stack = JSON.parse(await readFile(stackFilePath(dataDir), 'utf8')) as StackFile;
  } catch {
    return undefined;
  }
  return Number.isInteger(stack?.pid) && isAlive(stack.pid) ? stack : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
