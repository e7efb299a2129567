import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { readCompactorConfig } from '../../lambdas/compactor/config';
import { type CompactorEvent, createCompactorHandler } from '../../lambdas/compactor/handler';
import { readConsumerConfig } from '../../lambdas/consumer/config';
import { createConsumerHandler } from '../../lambdas/consumer/handler';
import { readIngestConfig } from '../../lambdas/ingest/config';
import { createIngestHandler } from '../../lambdas/ingest/handler';
import { readQueryConfig } from '../../lambdas/query/config';
import { createErasureDeps } from '../../lambdas/query/erasure-routes';
import { createQueryHandler } from '../../lambdas/query/handler';
import { createKinesisClient, createS3Client } from '../../shared/aws/clients';
import { type BlockCompressor, loadZstd } from '../../shared/codec/zstd';
import type { DayReport } from '../../shared/compact/run-compaction';
import type { Env } from '../../shared/config/env';
import { ErasureKeys } from '../../shared/erasure/keys';
import type { PurgeDayReport } from '../../shared/erasure/run-purge';
import type { HttpResponse } from '../../shared/http/response';
import { KeyLayout } from '../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../shared/query/context';
import type { LogLevel } from '../config';
import { lambdaContext } from './function-url';
import { LocalMetrics } from './local-metrics';

/** A handler as the local stack calls it, and how to release its SDK client. */
export interface LocalHandler<E, R> {
  readonly invoke: (event: E) => Promise<R>;
  readonly destroy: () => void;
}

/** How long each local invocation may run, as a Lambda timeout would bound it. */
const BUDGET_MS = 60_000;

let invocations = 0;

/** Calls a middy handler the way the Lambda runtime does: with a fresh context per invocation. */
function invoker<E, R>(handler: (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>): (event: E) => Promise<R> {
  return (event) => handler(event, lambdaContext(BUDGET_MS, `local-${process.pid}-${++invocations}`));
}

/**
 * The four handlers wired like their lambdas/<name>/index.ts, but from an explicit environment (the
 * stack's endpoints, bucket and stream) instead of process.env, so that one process can run several
 * stacks. Each reads its settings with the Lambda's own config reader.
 */
export function localIngest(env: Env, logLevel: LogLevel): LocalHandler<APIGatewayProxyEventV2, HttpResponse> {
  const config = readIngestConfig(env);
  const kinesis = createKinesisClient({ region: config.region, endpoint: config.kinesisEndpoint });
  const handler = createIngestHandler({ settings: config, kinesis, logger: new Logger({ serviceName: 'tales-ingest', logLevel }) });
  return { invoke: invoker(handler), destroy: () => kinesis.destroy() };
}

export function localQuery(
  env: Env,
  logLevel: LogLevel,
  zstd: Promise<BlockCompressor>,
): LocalHandler<APIGatewayProxyEventV2, HttpResponse> {
  const config = readQueryConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  const layout = new KeyLayout(config.prefix);
  let context: Promise<QueryContext> | undefined;
  const handler = createQueryHandler({
    context: () => {
      context ??= zstd.then((z) => createQueryContext({ s3, bucket: config.bucket, layout, zstd: z, cacheEntries: config.cacheEntries }));
      return context;
    },
    maxSpanDays: config.maxSpanDays,
    logger: new Logger({ serviceName: 'tales-query', logLevel }),
    erasure: createErasureDeps(s3, config.bucket, layout, config.erasers),
  });
  return { invoke: invoker(handler), destroy: () => s3.destroy() };
}

export function localConsumer(
  env: Env,
  logLevel: LogLevel,
  zstd: Promise<BlockCompressor>,
): LocalHandler<KinesisStreamEvent, KinesisStreamBatchResponse> {
  const config = readConsumerConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  const handler = createConsumerHandler({
    writer: { s3, bucket: config.bucket, layout: config.layout, chunkOptions: { blockSize: config.blockSize, level: config.zstdLevel } },
    zstd,
    logger: new Logger({ serviceName: 'tales-consumer', logLevel }),
    metrics: new LocalMetrics({ namespace: 'Tales', serviceName: 'tales-consumer' }),
  });
  return { invoke: invoker(handler), destroy: () => s3.destroy() };
}

export function localCompactor(
  env: Env,
  logLevel: LogLevel,
  zstd: Promise<BlockCompressor> = loadZstd(),
): LocalHandler<CompactorEvent, { days: DayReport[]; purged: PurgeDayReport[] }> {
  const config = readCompactorConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  const layout = new KeyLayout(config.prefix);
  const handler = createCompactorHandler({
    context: () => zstd.then((z) => ({ s3, bucket: config.bucket, layout, zstd: z })),
    config,
    logger: new Logger({ serviceName: 'tales-compactor', logLevel }),
    erasures: { s3, bucket: config.bucket, keys: new ErasureKeys(layout) },
  });
  return { invoke: invoker(handler), destroy: () => s3.destroy() };
}
