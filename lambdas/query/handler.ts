import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FormatError } from '../../shared/codec/errors';
import { runVisibleQuery } from '../../shared/erasure/visible-query';
import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse, jsonResponse, methodNotAllowed } from '../../shared/http/response';
import type { QueryContext } from '../../shared/query/context';
import { encodeCursor } from '../../shared/query/cursor';
import { QueryInputError, StoreReadError } from '../../shared/query/errors';
import { parseQueryRequest } from '../../shared/query/request';
import { type ErasureDeps, handleErasure, isErasurePath } from './erasure-routes';

export interface QueryLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface QueryHandlerDeps {
  /** The query context, made once (its head cache lives as long as the Lambda). */
  readonly context: () => Promise<QueryContext>;
  readonly maxSpanDays: number;
  readonly logger: QueryLogger;
  /** Erasure routes, and the erased set every query hides. */
  readonly erasure: ErasureDeps;
  /** @default Date.now */
  readonly clock?: () => number;
}

const ROUTES = ['/events', '/health'];

/**
 * The Function URL handler: `GET /events` (a page of a query, without erased events), `GET /health`, and the
 * erasure routes (erasure-routes.ts); other paths are
 * 404, other methods 405. Bad input is a 400 with a code and message; anything else is a 500
 * "internal error", logged with the S3 key at fault. A corrupt chunk fails the whole request.
 */
export function createQueryHandler({ context, maxSpanDays, logger, erasure, clock = Date.now }: QueryHandlerDeps) {
  return middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event) => {
    const { method } = event.requestContext.http;
    const path = event.rawPath;
    if (isErasurePath(path)) return handleErasure(event, erasure, clock(), logger);
    if (!ROUTES.includes(path)) return errorResponse(new HttpError(404, 'not_found', `no route ${method} ${path}`));
    if (method !== 'GET') return methodNotAllowed(method, path, 'GET');
    if (path === '/health') return jsonResponse(200, { ok: true });
    const started = clock();
    try {
      const request = parseQueryRequest(event.queryStringParameters ?? {}, { now: started, maxSpanDays });
      const result = await runVisibleQuery(await context(), () => erasure.erased.current(), request);
      const next = result.resumeAfter ? encodeCursor(request, result.resumeAfter) : undefined;
      logger.info('query', {
        actors: request.actors,
        from: request.from,
        to: request.to,
        limit: request.limit,
        resumed: request.after !== undefined,
        rows: result.events.length,
        more: next !== undefined,
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
