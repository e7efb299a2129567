import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../shared/config/env';
import { CliError } from '../cli/errors';
import type { CliIo } from '../cli/io';
import { resolveEndpoints } from '../cli/target';
import { readLocalConfig } from '../config';
import { LocalStackError } from '../errors';
import { startLocalStack } from '../stack';
import { runDemo } from './run-demo';

/**
 * `npm run demo`: the quick-start against the stack at TALES_URL (or TALES_INGEST_URL and
 * TALES_QUERY_URL) when set, else against a local stack of its own, on free ports in a temporary
 * directory that is removed afterwards. Resolves to the exit code.
 */
export async function demo(io: CliIo): Promise<number> {
  const { env } = io;
  try {
    if (env.TALES_URL || env.TALES_INGEST_URL || env.TALES_QUERY_URL) {
      await runDemo(resolveEndpoints({}, env), io);
      return 0;
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'tales-demo-'));
    try {
      const stack = await startLocalStack({ ...readLocalConfig(env), port: 0, dataDir, env });
      try {
        io.out(`Started a local stack at ${stack.url} (data in ${dataDir}, removed afterwards)\n`);
        await runDemo(resolveEndpoints({ url: stack.url }, env), io);
      } finally {
        await stack.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    return 0;
  } catch (error) {
    if (!(error instanceof CliError || error instanceof LocalStackError || error instanceof ConfigError)) throw error;
    io.err(`demo: ${error.message}\n`);
    return 1;
  }
}
