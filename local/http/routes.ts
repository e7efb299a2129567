import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse, methodNotAllowed } from '../../shared/http/response';

/** Which handler answers a request; the local stack's one port stands for both Function URLs, and serves the explorer page. */
export type Route = 'ingest' | 'query' | 'page';

const ALLOWED: Record<string, Record<string, Route>> = {
  '/events': { POST: 'ingest', GET: 'query' },
  '/events/counts': { GET: 'query' },
  '/health': { GET: 'query' },
  '/': { GET: 'page' },
  '/explorer.js': { GET: 'page' },
  '/explorer.css': { GET: 'page' },
};

/** Routes with an id in the path (erasures): the query handler answers them, and their 405s. */
const ID_ROUTES: readonly [RegExp, Record<string, Route>][] = [
  [/^\/actors\/[^/]*$/, { DELETE: 'query' }],
  [/^\/erasures\/[^/]*$/, { GET: 'query' }],
];

/** The handler for `method path`, or the 404/405 answer. */
export function routeOf(method: string, path: string): Route | HttpResponse {
  const methods = Object.hasOwn(ALLOWED, path) ? ALLOWED[path] : ID_ROUTES.find(([pattern]) => pattern.test(path))?.[1];
  if (!methods) return errorResponse(new HttpError(404, 'not_found', `no route ${method} ${path}`));
  const route = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (route) return route;
  return methodNotAllowed(method, path, Object.keys(methods).join(', '));
}
