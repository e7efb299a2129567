import type { APIGatewayProxyEventV2, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { CompactorEvent, CompactorResult } from '../../lambdas/compactor/handler';
import { setupCompactor } from '../../lambdas/compactor/setup';
import { setupConsumer } from '../../lambdas/consumer/setup';
import { setupIngest } from '../../lambdas/ingest/setup';
import { setupMerger } from '../../lambdas/merger/setup';
import { setupQuery } from '../../lambdas/query/setup';
import type { HandlerSetup } from '../../lambdas/setup';
import type { BlockCompressor } from '../../shared/codec/zstd';
import type { Env } from '../../shared/config/env';
import type { HttpResponse } from '../../shared/http/response';
import type { MergeReport } from '../../shared/tier/run-merger';
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
function local<E, R>({
  handler,
  destroy,
}: HandlerSetup<(event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>>): LocalHandler<E, R> {
  return { invoke: (event) => handler(event, lambdaContext(BUDGET_MS, `local-${process.pid}-${++invocations}`)), destroy };
}

/**
 * The handlers from the setup factories their lambdas/<name>/index.ts use, but from an explicit
 * environment (the stack's endpoints, bucket and stream) instead of process.env, so that one process
 * can run several stacks.
 */
export function localIngest(env: Env, logLevel: LogLevel): LocalHandler<APIGatewayProxyEventV2, HttpResponse> {
  return local(setupIngest(env, { logLevel }));
}

export function localQuery(
  env: Env,
  logLevel: LogLevel,
  zstd: Promise<BlockCompressor>,
): LocalHandler<APIGatewayProxyEventV2, HttpResponse> {
  return local(setupQuery(env, { logLevel, zstd }));
}

export function localConsumer(
  env: Env,
  logLevel: LogLevel,
  zstd: Promise<BlockCompressor>,
): LocalHandler<KinesisStreamEvent, KinesisStreamBatchResponse> {
  return local(setupConsumer(env, { logLevel, zstd, metrics: new LocalMetrics({ namespace: 'Tales', serviceName: 'tales-consumer' }) }));
}

export function localCompactor(
  env: Env,
  logLevel: LogLevel,
  zstd?: Promise<BlockCompressor>,
): LocalHandler<CompactorEvent, CompactorResult> {
  return local(setupCompactor(env, { logLevel, ...(zstd ? { zstd } : {}) }));
}

export function localMerger(env: Env, logLevel: LogLevel, zstd?: Promise<BlockCompressor>): LocalHandler<unknown, { days: MergeReport[] }> {
  return local(setupMerger(env, { logLevel, ...(zstd ? { zstd } : {}) }));
}
