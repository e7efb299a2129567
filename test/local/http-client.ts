import type { TalesEvent } from '../../shared/event/types';

/** Plain HTTP calls to a local stack, as any client would make them. */
export async function postEvents(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: await response.json() };
}

export interface QueryRange {
  readonly actors: readonly number[];
  readonly from: number;
  readonly to: number;
}

/** Every event of a query, following `next` cursors with pages of `limit`; also the number of pages. */
export async function queryAll(
  url: string,
  { actors, from, to }: QueryRange,
  limit = 1000,
): Promise<{ events: TalesEvent[]; pages: number }> {
  const events: TalesEvent[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ actors: actors.join(','), from: String(from), to: String(to), limit: String(limit) });
    if (cursor) params.set('cursor', cursor);
    const response = await fetch(`${url}/events?${params}`);
    const body = (await response.json()) as { events: TalesEvent[]; next?: string; error?: unknown };
    if (response.status !== 200) throw new Error(`query answered ${response.status}: ${JSON.stringify(body)}`);
    events.push(...body.events);
    pages++;
    cursor = body.next;
  } while (cursor);
  return { events, pages };
}
