import { ConfigError } from '../shared/config/env';
import { startBanner } from './banner';
import { readLocalConfig } from './config';
import { LocalStackError } from './errors';
import { startLocalStack } from './stack';

/** `npm start`: the local stack in the foreground until Ctrl-C (SIGINT) or SIGTERM. */
async function main(): Promise<void> {
  // Every file and folder the stack writes (s3rver's and kinesalite's too) is its owner's only.
  process.umask(0o077);
  const config = readLocalConfig(process.env);
  const stack = await startLocalStack({ ...config, env: process.env });
  process.stdout.write(startBanner(stack, config.batchWindowMs));
  let stopping = false;
  const stop = () => {
    if (stopping) {
      process.stderr.write('Quitting without waiting for the batches in flight.\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write('\nStopping: finishing the batches in flight and writing checkpoints…\n');
    stack.stop().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (error: unknown) => fail(error),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function fail(error: unknown): never {
  const known = error instanceof LocalStackError || error instanceof ConfigError;
  process.stderr.write(`tales: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

main().catch(fail);
