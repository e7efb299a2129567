import { FOLLOW_MIN_INTERVAL_MS, FOLLOW_SETTLE_MS, FollowBackoff, SeenEvents } from '../../shared/client/follow-window';
import type { TalesEvent } from '../../shared/event/types';
import { fetchEvents } from './api';

/**
 * Polls for events that become visible after `since`, as `TalesQuery.follow` does: each poll reads the
 * window from 2 minutes behind the previous poll's end up to now, every page of it, and hands the events
 * not seen before to `show`; 1 s between polls, doubling to 30 s while nothing comes. `listed` are the
 * events already on the page. Stops when `signal` aborts; an API error goes to `fail` and stops it.
 */
export async function follow(
  query: { readonly actors: string; readonly contains?: string },
  since: number,
  listed: readonly TalesEvent[],
  show: (events: TalesEvent[]) => void,
  fail: (error: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const backoff = new FollowBackoff();
  const seen = new SeenEvents();
  let from = since - FOLLOW_SETTLE_MS;
  seen.fresh(
    [...listed].filter((e) => e.time >= from).sort((a, b) => a.time - b.time),
    from,
  );
  let wait = FOLLOW_MIN_INTERVAL_MS;
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (signal.aborted) return;
    const to = Date.now();
    const events: TalesEvent[] = [];
    try {
      let page = await fetchEvents({ ...query, from: String(from), to: String(to), limit: '1000' });
      events.push(...page.events);
      while (page.next && !signal.aborted) {
        page = await fetchEvents({ ...query, cursor: page.next, limit: '1000' });
        events.push(...page.events);
      }
    } catch (error) {
      if (!signal.aborted) fail(error);
      return;
    }
    if (signal.aborted) return;
    const fresh = seen.fresh(events, from);
    if (fresh.length > 0) show(fresh);
    wait = backoff.next(fresh.length > 0);
    from = to - FOLLOW_SETTLE_MS;
  }
}
