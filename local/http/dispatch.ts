import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpResponse, jsonResponse } from '../../shared/http/response';
import type { PhaseLock } from '../phase-lock';
import { pageAnswer } from '../ui/page-answer';
import { type Route, routeOf } from './routes';

/** The handlers behind the local stack's one port, set once they are ready. */
export type LocalRoutes = { [R in Route]?: { invoke(event: APIGatewayProxyEventV2): Promise<HttpResponse> } };

/**
 * Answers one request of the local stack's HTTP server. Queries read S3 under the stack's lock (s3rver
 * rewrites files in place); the explorer page and `/health` read nothing, so it answers at once even while a batch holds it.
 */
export function localDispatch(handlers: LocalRoutes, s3Access: PhaseLock<'read' | 'write'>) {
  return async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const route = routeOf(event.requestContext.http.method, event.rawPath);
    if (typeof route !== 'string') return route;
    if (route === 'page') return pageAnswer(event.rawPath);
    const handler = handlers[route];
    if (!handler) return jsonResponse(503, { error: { code: 'starting', message: 'the local stack is still starting' } });
    if (route === 'query' && event.rawPath !== '/health') return s3Access.run('read', () => handler.invoke(event));
    return handler.invoke(event);
  };
}
