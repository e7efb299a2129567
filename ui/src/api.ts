import type { TalesEvent } from '../../shared/event/types';

export interface EventsPage {
  readonly events: TalesEvent[];
  readonly next?: string;
}

export interface Counts {
  readonly from: number;
  readonly to: number;
  readonly width: number;
  readonly counts: number[];
}

/** An error answer of the query API, with its message as the API wrote it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
}

/** GETs an API path on this page's origin (local mode's server, or `tales ui` forwarding it signed). */
async function get<T>(path: string, params: Record<string, string | undefined>): Promise<T> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
  const response = await fetch(`${path}?${query}`, { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string }; message?: string } | undefined;
  if (!response.ok) throw new ApiError(body?.error?.message ?? body?.message ?? `the API answered HTTP ${response.status}`);
  return body as T;
}

export function fetchEvents(params: Record<string, string | undefined>): Promise<EventsPage> {
  return get('/events', params);
}

export function fetchCounts(params: Record<string, string | undefined>): Promise<Counts> {
  return get('/events/counts', params);
}
