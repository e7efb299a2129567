import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { createKinesisClient } from '../shared/aws/kinesis-client';
import { createS3Client } from '../shared/aws/s3-client';
import { loadZstd } from '../shared/codec/zstd';
import type { Env } from '../shared/config/env';
import { KeyLayout } from '../shared/layout/keys';
import type { LocalConfig } from './config';
import { LocalStackError } from './errors';
import { localDispatch } from './http/dispatch';
import { startHttpServer } from './http/http-server';
import { localConsumer, localIngest, localMerger, localQuery } from './lambda/local-handlers';
import { hasLegacyOpenssl } from './openssl-legacy';
import { ownerOnlyDir } from './owner-only';
import { PhaseLock } from './phase-lock';
import { s3FailureDestination } from './poller/failure-destination';
import { startStreamPoller } from './poller/stream-poller';
import type { PollerStats } from './poller/types';
import { ensureStream } from './servers/ensure-stream';
import { startKinesisServer } from './servers/kinesis-server';
import { startS3Server } from './servers/s3-server';
import { readRunningStack, removeStackFile, writeStackFile } from './stack-file';

export interface LocalStackOptions extends LocalConfig {
  /** Variables the handlers read besides the stack's own (TALES_PREFIX, TALES_SKEW_PAST_MS, …). @default {} */
  readonly env?: Env;
  /** @default 250 */
  readonly idleMs?: number;
}

export interface LocalStack {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:7700 (POST/GET /events, GET /health). */
  readonly url: string;
  readonly dataDir: string;
  readonly s3Endpoint: string;
  readonly kinesisEndpoint: string;
  readonly bucket: string;
  readonly streamName: string;
  /** Open shards of the stream. */
  readonly shards: number;
  /** The poller's counts since start. */
  readonly stats: Readonly<PollerStats>;
  /** Stops taking requests, lets each shard finish its batch and checkpoint, then stops the servers. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** The body types docs/api.md documents for POST /events; a page can send others without a CORS preflight. */
const POST_TYPES = ['application/json', 'application/x-ndjson'];

/**
 * The whole system on one machine: kinesalite and s3rver keeping their data in `dataDir`, the stream and
 * bucket created if missing, one HTTP server standing for the ingest and query Function URLs, and a
 * poller feeding the consumer handler like the event source mapping.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  if (!hasLegacyOpenssl()) {
    throw new LocalStackError(
      "s3rver's paginated listing needs OpenSSL's legacy provider: run node with --openssl-legacy-provider (npm start and npm run demo do)",
    );
  }
  const dataDir = resolve(options.dataDir);
  const logger = new Logger({ serviceName: 'tales-local', logLevel: options.logLevel });
  // s3rver rewrites an object's file in place, so a GET during a PUT can read a mix of both (S3's PUTs
  // are atomic): queries and consumer batches take turns.
  const s3Access = new PhaseLock<'read' | 'write'>();
  const handlers: { ingest?: ReturnType<typeof localIngest>; query?: ReturnType<typeof localQuery> } = {};
  // The port is taken first: a second stack on the same port stops before touching the data dir.
  const http = await startHttpServer({
    host: HOST,
    port: options.port,
    onError: (error) => logger.error('request failed', { error }),
    handle: localDispatch(handlers, s3Access),
    guard: { ownPages: true, postTypes: POST_TYPES },
  });
  // Undone in reverse order, after the HTTP server has answered the requests under way.
  const cleanup: (() => Promise<void> | void)[] = [];
  const unwind = async () => {
    await http.close();
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const running = await readRunningStack(dataDir);
    if (running) throw new LocalStackError(`${dataDir} is in use by the tales stack at ${running.url} (process ${running.pid})`);
    for (const dir of [dataDir, join(dataDir, 's3'), join(dataDir, 'kinesis')]) await ownerOnlyDir(dir);
    const s3 = await startS3Server(join(dataDir, 's3'), options.bucket);
    cleanup.push(() => s3.close());
    const kinesisServer = await startKinesisServer(join(dataDir, 'kinesis'));
    cleanup.push(() => kinesisServer.close());
    const kinesis = createKinesisClient({ endpoint: kinesisServer.endpoint });
    cleanup.push(() => kinesis.destroy());
    const shards = await ensureStream(kinesis, options.streamName, options.shards);

    const env: Record<string, string> = {
      ...definedOf(options.env ?? {}),
      TALES_BUCKET: options.bucket,
      TALES_STREAM_NAME: options.streamName,
      TALES_S3_ENDPOINT: s3.endpoint,
      TALES_KINESIS_ENDPOINT: kinesisServer.endpoint,
      TALES_OPEN_DAY_CACHE_MS: String(options.openDayCacheMs),
      // No IAM locally: whoever reaches the loopback port may erase, as they may query.
      TALES_ERASERS: '*',
    };
    const zstd = loadZstd();
    const consumer = localConsumer(env, options.logLevel, zstd);
    handlers.ingest = localIngest(env, options.logLevel);
    handlers.query = localQuery(env, options.logLevel, zstd);
    cleanup.push(() => {
      consumer.destroy();
      handlers.ingest?.destroy();
      handlers.query?.destroy();
    });

    const failureS3 = createS3Client({ endpoint: s3.endpoint });
    cleanup.push(() => failureS3.destroy());
    const failedBatches = new KeyLayout(env.TALES_PREFIX ?? '').failedBatchesPrefix();
    const poller = await startStreamPoller({
      kinesis,
      streamName: options.streamName,
      consumer: (event) => s3Access.run('write', () => consumer.invoke(event)),
      // Like the consumer's S3 on-failure destination in AWS: `tales replay` stores what lands here.
      onFailure: s3FailureDestination(failureS3, options.bucket, failedBatches, `local:${options.streamName}`),
      checkpointFile: join(dataDir, 'checkpoints.json'),
      logger,
      batchSize: options.batchSize,
      batchWindowMs: options.batchWindowMs,
      ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
    });
    cleanup.push(() => poller.stop());
    if (options.mergeIntervalMs > 0) {
      const merger = localMerger(env, options.logLevel, zstd);
      // One run at a time, between consumer batches (s3rver's writes are not atomic); a failed run is logged and the next retries.
      let running: Promise<unknown> | undefined;
      const timer = setInterval(() => {
        running ??= s3Access
          .run('write', () => merger.invoke({}))
          .catch((error) => logger.error('merge failed', { error }))
          .finally(() => {
            running = undefined;
          });
      }, options.mergeIntervalMs);
      cleanup.push(async () => {
        clearInterval(timer);
        await running;
        merger.destroy();
      });
    }

    const url = `http://${HOST}:${http.port}`;
    const published = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('TALES_')));
    await writeStackFile(dataDir, {
      pid: process.pid,
      url,
      s3Endpoint: s3.endpoint,
      kinesisEndpoint: kinesisServer.endpoint,
      env: published,
    });
    cleanup.push(() => removeStackFile(dataDir));

    let stopping: Promise<void> | undefined;
    return {
      url,
      dataDir,
      s3Endpoint: s3.endpoint,
      kinesisEndpoint: kinesisServer.endpoint,
      bucket: options.bucket,
      streamName: options.streamName,
      shards,
      stats: poller.stats,
      stop: () => {
        stopping ??= unwind();
        return stopping;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

function definedOf(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
