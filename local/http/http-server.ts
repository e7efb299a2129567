import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse } from '../../shared/http/response';
import { PortInUseError } from '../errors';
import { checkRequestPayload, limitResponse } from './payload-limits';
import { readBody } from './read-body';
import { requestEvent } from './request-event';
import { type GuardRules, refusal } from './request-guard';
import { writeResponse } from './write-response';

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Answers one request, as a Function URL's Lambda would. */
  readonly handle: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
  readonly onError: (error: unknown) => void;
  /** Who besides same-machine clients may call; a refused request is answered before its body is read. */
  readonly guard: GuardRules;
}

export interface LocalHttpServer {
  readonly port: number;
  /** Stops accepting connections and resolves once the requests under way are answered. */
  close(): Promise<void>;
}

/**
 * An HTTP server that refuses what `guard` refuses, turns each other request into a payload-2.0 event, and enforces a Function URL's limits
 * (6 MiB payloads each way, UTF-8 text bodies); a taken port is a PortInUseError.
 */
export async function startHttpServer({ host, port, handle, onError, guard }: HttpServerOptions): Promise<LocalHttpServer> {
  const server = createServer((request, response) => {
    const refused = refusal(request, guard);
    if (refused) {
      writeResponse(response, errorResponse(refused));
      return;
    }
    readBody(request)
      .then((body) => {
        const event = requestEvent(request, body);
        checkRequestPayload(event);
        return handle(event);
      })
      .catch((error: unknown) => {
        if (!(error instanceof HttpError && error.expose)) onError(error);
        return errorResponse(error);
      })
      .then((result) => writeResponse(response, limitResponse(result)))
      .catch(onError);
  });
  await listen(server, host, port);
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error));
    server.listen(port, host, () => resolve());
  });
}
