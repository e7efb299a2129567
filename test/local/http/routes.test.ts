import { describe, expect, it } from 'vitest';
import { routeOf } from '../../../local/http/routes';

describe('routeOf', () => {
  it.each([
    ['POST', '/events', 'ingest'],
    ['GET', '/events', 'query'],
    ['GET', '/health', 'query'],
    ['GET', '/events/counts', 'query'],
    ['GET', '/', 'page'],
    ['GET', '/explorer.js', 'page'],
    ['GET', '/explorer.css', 'page'],
  ])('sends %s %s to %s', (method, path, route) => {
    expect(routeOf(method, path)).toBe(route);
  });

  it.each([
    ['GET', '/index.html', 404, undefined, 'no route GET /index.html'],
    ['POST', '/', 405, 'GET', 'POST is not allowed on / (allowed: GET)'],
    ['GET', '/events/', 404, undefined, 'no route GET /events/'],
    ['GET', '/__proto__', 404, undefined, 'no route GET /__proto__'],
    ['GET', '/constructor', 404, undefined, 'no route GET /constructor'],
    ['DELETE', '/events', 405, 'POST, GET', 'DELETE is not allowed on /events (allowed: POST, GET)'],
    ['POST', '/health', 405, 'GET', 'POST is not allowed on /health (allowed: GET)'],
    ['toString', '/events', 405, 'POST, GET', 'toString is not allowed on /events (allowed: POST, GET)'],
  ])('answers %s %s with %i', (method, path, status, allow, message) => {
    const response = routeOf(method, path);
    if (typeof response === 'string') throw new Error(`routed to ${response}`);
    expect(response.statusCode).toBe(status);
    expect(response.headers?.allow).toBe(allow);
    expect(JSON.parse(response.body ?? '').error.message).toBe(message);
  });
});
