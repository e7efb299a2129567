import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createSigner } from '../../shared/client/signer';
import type { HttpResponse } from '../../shared/http/response';
import { jsonResponse, methodNotAllowed } from '../../shared/http/response';
import { type LocalHttpServer, startHttpServer } from '../http/http-server';
import { routeOf } from '../http/routes';
import { pageAnswer } from './page-answer';

export interface UiServerOptions {
  /** The query Function URL (or a local stack's base URL). */
  readonly queryUrl: URL;
  /** Sign the forwarded requests with SigV4 for this region; unset: send them unsigned (a local stack). */
  readonly region?: string;
  /** Hosts besides https Lambda Function URL hosts to sign for (`--sign-host`). @default - none */
  readonly signHosts?: readonly string[];
  /** @default - the standard AWS credential chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  readonly onError: (error: unknown) => void;
}

export interface UiServer extends LocalHttpServer {
  readonly url: string;
}

const HOST = '127.0.0.1';

/**
 * `tales ui`: serves the explorer page on 127.0.0.1 and forwards its API calls (GET /events,
 * /events/counts, /health) to the query Function URL, signed here with the user's credentials, so the
 * browser never holds AWS keys. Nothing else is forwarded: the explorer only reads.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sign = options.region
    ? createSigner({
        region: options.region,
        credentials: options.credentials ?? fromNodeProviderChain(),
        ...(options.signHosts ? { signHosts: options.signHosts } : {}),
      })
    : undefined;
  const base = options.queryUrl.pathname.replace(/\/+$/, '');
  const forward = async (path: string, query: string): Promise<HttpResponse> => {
    const url = new URL(options.queryUrl);
    url.pathname = `${base}${path}`;
    url.search = query;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json', ...(sign ? await sign('GET', url) : {}) } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      return jsonResponse(502, { error: { code: 'upstream_unreachable', message: `cannot reach ${url.origin}: ${cause}` } });
    }
    return {
      statusCode: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' },
      body: await response.text(),
    };
  };
  const server = await startHttpServer({
    host: HOST,
    port: options.port,
    onError: options.onError,
    // The page's own origin only: the forwarder signs with the user's credentials, so no other page may use it.
    guard: { ownPages: true },
    handle: async (event) => {
      const { method } = event.requestContext.http;
      const route = routeOf(method, event.rawPath);
      if (typeof route !== 'string') return route;
      if (route === 'page') return pageAnswer(event.rawPath);
      if (route === 'ingest') return methodNotAllowed(method, event.rawPath, 'GET');
      return forward(event.rawPath, event.rawQueryString);
    },
  });
  return { ...server, url: `http://${HOST}:${server.port}` };
}
