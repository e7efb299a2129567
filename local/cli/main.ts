import { Command, CommanderError } from 'commander';
import { TalesClientError, TalesQueryError } from '../../shared/client/errors';
import { MAX_ACTORS_PER_EVENT } from '../../shared/event/limits';
import { LOCAL_DEFAULTS } from '../config';
import { collectActor, portArg, positiveInt } from './actor-arg';
import { compactCommand } from './commands/compact';
import { eraseCommand } from './commands/erase';
import { importCommand } from './commands/import';
import { logCommand } from './commands/log';
import { queryCommand } from './commands/query';
import { replayCommand } from './commands/replay';
import { uiCommand } from './commands/ui';
import { CliError } from './errors';
import type { CliIo } from './io';
import { resolveEndpoints, signingRegion, type TargetOptions } from './target';

/** Runs `tales <argv…>` and resolves to the exit code; failures are printed to `io.err`, never thrown. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('tales')
    .description('Log and query Tales events: the local stack (npm start) by default, or deployed Function URLs (signed with SigV4)')
    .option('--url <url>', 'base URL of both endpoints (env: TALES_URL; default: the local stack, http://127.0.0.1:7700)')
    .option('--ingest-url <url>', 'the ingest Function URL (env: TALES_INGEST_URL)')
    .option('--query-url <url>', 'the query Function URL (env: TALES_QUERY_URL)')
    .option('--region <region>', 'region to sign for (default: AWS_REGION, or the Function URL host)')
    .option('--sign-host <host>', 'also sign requests to this host, e.g. a custom domain in front of the Function URLs (use https)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const endpoints = () => resolveEndpoints(program.opts<TargetOptions>(), io.env);

  program
    .command('log')
    .description('log one event')
    .argument('<text>', 'what happened')
    .requiredOption('-a, --actor <id>', `an actor of the event (repeat for up to ${MAX_ACTORS_PER_EVENT})`, collectActor)
    .option('-t, --time <time>', 'when: now, -5m, ISO-8601 or epoch ms (default: when the server receives it)')
    .action((text: string, options) => logCommand(text, options, endpoints().ingest, io));

  program
    .command('query')
    .description('print the events that name every given actor')
    .requiredOption('-a, --actor <id>', 'an actor (repeat: events naming all of them)', collectActor)
    .option('-f, --from <time>', 'start: now, -15m, -1h, -2d, ISO-8601 or epoch ms', '-1d')
    .option('-t, --to <time>', 'end (inclusive), same forms', 'now')
    .option('-n, --limit <n>', 'most events to print', positiveInt(1_000_000), 100)
    .option('--desc', 'newest first')
    .option('--json', 'one JSON event per line (NDJSON)')
    .option('-c, --contains <text>', 'only events whose text holds this (any case)')
    .option('--follow', 'keep printing events as they become visible, until Ctrl-C (polls every 1 s, up to 30 s when idle)')
    .action((options) => queryCommand(options, endpoints().query, io));

  program
    .command('erase')
    .description('erase an actor: every event naming it is hidden at once and purged from storage later (needs the erase grant)')
    .option('-a, --actor <id>', 'the actor to erase', collectActor)
    .option('--status <erasure-id>', "report an erasure's progress instead")
    .option('--json', 'print the erasure as JSON')
    .action((options: { actor?: number[]; status?: string; json?: boolean }) => {
      if ((options.actor === undefined) === (options.status === undefined))
        throw new CliError('erase needs exactly one of --actor ID or --status ERASURE-ID');
      if ((options.actor?.length ?? 0) > 1) throw new CliError('erase takes one --actor at a time');
      return eraseCommand(options, endpoints().query, io);
    });

  program
    .command('ui')
    .description('serve the explorer page on 127.0.0.1, forwarding its queries to the query endpoint (signed for a deployment)')
    .option('-p, --port <port>', 'port on 127.0.0.1 (0: any free port)', portArg, 7701)
    .action((options: { port: number }) => {
      const { query } = endpoints();
      signingRegion(query);
      return uiCommand(options, query, io);
    });

  program
    .command('import')
    .description('post the events of an NDJSON file (one {"actors","text","time"?} per line); rerun to resume')
    .argument('<file>', 'the NDJSON file, or - for standard input')
    .option('--batch <n>', 'events per request', positiveInt(10_000), 500)
    .option('--progress <file>', 'where to record how far the import got (default: <file>.progress; none for stdin)')
    .action((file: string, options) => importCommand(file, options, endpoints().ingest, io));

  program
    .command('compact')
    .description('compact one day of the local stack now (local mode only)')
    .requiredOption('--day <YYYY-MM-DD>', 'the UTC day')
    .option('--force', 'compact even a day that is not closed yet')
    .option('--data-dir <dir>', `data dir of the running local stack (env: TALES_DATA_DIR; default: ${LOCAL_DEFAULTS.dataDir})`)
    .action((options: { day: string; force?: boolean; dataDir?: string }) => {
      const { ingest, query } = endpoints();
      if (!ingest.local || !query.local) {
        throw new CliError(
          'compact works on the local stack only; in AWS the compactor Lambda runs on its schedule (or invoke it with {"day":"YYYY-MM-DD"})',
        );
      }
      return compactCommand({ ...options, dataDir: options.dataDir ?? (io.env.TALES_DATA_DIR || LOCAL_DEFAULTS.dataDir) }, io);
    });

  program
    .command('replay')
    .description('store the batches the consumer gave up on, exactly once (the local stack, or AWS with --bucket and --failure-bucket)')
    .option('--data-dir <dir>', `data dir of the running local stack (env: TALES_DATA_DIR; default: ${LOCAL_DEFAULTS.dataDir})`)
    .option('--bucket <name>', "AWS: the log's bucket (stack output BucketName)")
    .option('--failure-bucket <name>', "AWS: the consumer's failure destination (stack output FailedBatchesBucketName)")
    .option('--prefix <prefix>', "AWS: the log's key prefix", '')
    .option('--keep', 'leave replayed batches in the failure destination')
    .action((options: { dataDir?: string; bucket?: string; failureBucket?: string; prefix: string; keep?: boolean }) =>
      replayCommand(
        {
          ...options,
          dataDir: options.dataDir ?? (io.env.TALES_DATA_DIR || LOCAL_DEFAULTS.dataDir),
          ...(program.opts<TargetOptions>().region ? { region: program.opts<TargetOptions>().region } : {}),
        },
        io,
      ),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.err(`tales: ${error.message}\n`);
      return 1;
    }
    if (error instanceof TalesQueryError) {
      io.err(`tales: the query endpoint answered ${error.status} ${error.code}: ${error.message}\n`);
      return 1;
    }
    // The client's own errors (no credentials, no region to sign for) say what to do: no stack trace.
    if (error instanceof TalesClientError) {
      io.err(`tales: ${error.message}\n`);
      return 1;
    }
    io.err(`tales: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}
