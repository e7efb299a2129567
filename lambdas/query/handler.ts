import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FormatError } from '../../shared/codec/errors';
import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse, jsonResponse, methodNotAllowed } from '../../shared/http/response';
import type { QueryContext } from '../../shared/query/context';
import { runCounts } from '../../shared/query/counts';
import { parseCountsRequest } from '../../shared/query/counts-request';
import { encodeCursor } from '../../shared/query/cursor';
import { QueryInputError, StoreReadError } from '../../shared/query/errors';
import { parseQueryRequest } from '../../shared/query/request';
import { retentionHorizon } from '../../shared/query/retention';
import { runQuery } from '../../shared/query/run-query';
import { type ErasureDeps, handleErasure, isErasurePath } from './erasure-routes';

export interface QueryLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface QueryHandlerDeps {
  /** The query context, made once (its head cache lives as long as the Lambda). */
  readonly context: () => Promise<QueryContext>;
  readonly maxSpanDays: number;
  /** Days the bucket keeps objects (its lifecycle expiry); queries are clamped to the days still whole. 0: kept forever. @default 0 */
  readonly retentionDays?: number;
  readonly logger: QueryLogger;
  /** Erasure routes, and the erased actors whose events every query and count hides. */
  readonly erasure: ErasureDeps;
  /** @default Date.now */
  readonly clock?: () => number;
}

const ROUTES = ['/events', '/events/counts', '/health'];

/**
 * Time kept back from the Lambda's remaining time when a query starts: the page ends once only this
 * much is left, with what it has and `next`. It covers the day load or chunk read under way when the
 * time is found to be up, and the answer.
 */
export const DEADLINE_MARGIN_MS = 5000;

/**
 * The Function URL handler: `GET /events` (a page of a query), `GET /events/counts` (matches per time
 * bucket), `GET /health`, and the erasure routes (erasure-routes.ts); a query or count never shows an
 * event naming an erased actor. Other paths are
 * 404, other methods 405. Bad input is a 400 with a code and message; anything else is a 500
 * "internal error", logged with the S3 key at fault. A corrupt chunk fails the whole request.
 */
export function createQueryHandler({ context, maxSpanDays, retentionDays = 0, logger, erasure, clock = Date.now }: QueryHandlerDeps) {
  return middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event, lambda) => {
    const { method } = event.requestContext.http;
    const path = event.rawPath;
    if (isErasurePath(path)) return handleErasure(event, erasure, clock(), logger);
    if (!ROUTES.includes(path)) return errorResponse(new HttpError(404, 'not_found', `no route ${method} ${path}`));
    if (method !== 'GET') return methodNotAllowed(method, path, 'GET');
    if (path === '/health') return jsonResponse(200, { ok: true });
    const started = clock();
    try {
      if (path === '/events/counts') {
        const request = parseCountsRequest(event.queryStringParameters ?? {}, { now: started, maxSpanDays });
        const [ctx, hidden] = await Promise.all([context(), erasure.erased.hidden()]);
        const { stats, blocksFromIndex, blocksDecoded, ...answer } = await runCounts(ctx, request, undefined, hidden);
        logger.info('counts', {
          actors: request.actors,
          from: answer.from,
          to: answer.to,
          buckets: request.buckets,
          filtered: request.contains !== undefined,
          rows: answer.counts.reduce((sum, count) => sum + count, 0),
          blocksFromIndex,
          blocksDecoded,
          ms: clock() - started,
          ...stats.toJSON(),
        });
        return jsonResponse(200, answer, { 'cache-control': 'no-store' });
      }
      const request = parseQueryRequest(event.queryStringParameters ?? {}, { now: started, maxSpanDays });
      const deadline = started + lambda.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
      const ctx = await context();
      // The erased set is revalidated (at most one HEAD) beside the page's first reads.
      const result = await runQuery(ctx, request, undefined, {
        expired: () => clock() >= deadline,
        hidden: erasure.erased.hidden(),
        ...(retentionDays > 0 ? { horizon: retentionHorizon(started, retentionDays) } : {}),
      });
      const next = result.resumeAfter ? encodeCursor(request, result.resumeAfter) : undefined;
      logger.info('query', {
        actors: request.actors,
        from: request.from,
        to: request.to,
        limit: request.limit,
        filtered: request.contains !== undefined,
        resumed: request.after !== undefined,
        rows: result.events.length,
        more: next !== undefined,
        ...(result.cutShort ? { cutShort: result.cutShort } : {}),
        ms: clock() - started,
        ...result.stats.toJSON(),
      });
      return jsonResponse(200, next ? { events: result.events, next } : { events: result.events }, { 'cache-control': 'no-store' });
    } catch (error) {
      if (error instanceof QueryInputError) return errorResponse(new HttpError(400, error.code, error.message));
      logger.error('query failed', { error, key: keyOf(error), query: event.rawQueryString });
      return errorResponse(error);
    }
  });
}

/** The S3 key a fault names, for the log. */
function keyOf(error: unknown): string | undefined {
  return error instanceof FormatError || error instanceof StoreReadError ? error.key : undefined;
}
