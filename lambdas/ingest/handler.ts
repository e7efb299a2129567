import type { KinesisClient } from '@aws-sdk/client-kinesis';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse, methodNotAllowed } from '../../shared/http/response';
import { ingestEvents } from '../../shared/ingest/ingest';
import { ingestResponse } from '../../shared/ingest/response';
import type { IngestSettings } from '../../shared/ingest/types';

export interface IngestLogger {
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface IngestHandlerDeps {
  readonly settings: IngestSettings;
  readonly kinesis: KinesisClient;
  readonly logger: IngestLogger;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** Time kept back from the Lambda's budget to answer after the last Kinesis call. */
const RESPONSE_RESERVE_MS = 500;

/** The Function URL handler: `POST /events` only; everything else is a 404 or a 405. */
export function createIngestHandler({ settings, kinesis, logger, clock = Date.now }: IngestHandlerDeps) {
  return middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event, context) => {
    const { method } = event.requestContext.http;
    if (event.rawPath !== '/events') return errorResponse(new HttpError(404, 'not_found', `no route ${method} ${event.rawPath}`));
    if (method !== 'POST') {
      return methodNotAllowed(method, '/events', 'POST');
    }
    const receivedAt = clock();
    try {
      const result = await ingestEvents(
        { body: event.body, isBase64Encoded: event.isBase64Encoded, contentType: headerOf(event, 'content-type') },
        settings,
        { kinesis, receivedAt, now: clock, deadline: receivedAt + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS },
      );
      return ingestResponse(result);
    } catch (error) {
      if (!(error instanceof HttpError && error.expose)) {
        logger.error('ingest failed', { error, requestId: context.awsRequestId, stream: settings.streamName });
      }
      return errorResponse(error);
    }
  });
}

/** Function URLs lower-case header names; a hand-made event might not. */
function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}
