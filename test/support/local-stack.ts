import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../../local/cli/main';
import { LOCAL_DEFAULTS, type LogLevel } from '../../local/config';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack';
import { runCaptured } from './cli-io';

/** A fresh temporary data dir, and a function that removes it. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tales-local-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The local stack on free ports, with a short batching window so tests wait little; quiet unless TALES_TEST_LOG_LEVEL says otherwise. */
export function startTestStack(dataDir: string, options: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({
    ...LOCAL_DEFAULTS,
    port: 0,
    dataDir,
    logLevel: (process.env.TALES_TEST_LOG_LEVEL as LogLevel | undefined) ?? 'SILENT',
    batchWindowMs: 200,
    idleMs: 50,
    ...options,
  });
}

/**
 * A test stack in a fresh data dir for the enclosing describe block: started before its tests,
 * stopped and its dir removed after them. `stack` is there once the tests run.
 */
export function useTestStack(options: Partial<LocalStackOptions> = {}): { readonly dir: string; readonly stack: LocalStack } {
  const data = tempDataDir();
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(data.dir, options);
  });
  afterAll(async () => {
    await stack?.stop();
    data.remove();
  });
  return {
    dir: data.dir,
    get stack() {
      if (!stack) throw new Error('the test stack is used before beforeAll started it');
      return stack;
    },
  };
}

/** Polls `probe` until it returns true; fails after `timeoutMs` with `what` in the message. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the `tales` CLI against a test stack (its URL and data dir) with the clock fixed at `now`. */
export function talesAgainst(local: { readonly dir: string; readonly stack: LocalStack }, now: number) {
  return (args: string[]) =>
    runCaptured((io) => runCli(args, io), {
      env: { TALES_URL: local.stack.url, TALES_DATA_DIR: local.dir },
      now: () => now,
      cwd: local.dir,
    });
}
