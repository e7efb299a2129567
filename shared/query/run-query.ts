import type { ReadCounter } from '../aws/s3-source';
import type { TalesEvent } from '../event/types';
import { BoundedDayWalk } from './bounded-walk';
import type { QueryContext } from './context';
import { awaitedLater, type HiddenEvents } from './hidden';
import { MAX_PAGE_BYTES } from './limits';
import { mergeChunks } from './merge';
import type { Position } from './order';
import type { QueryRequest } from './request';
import { responseBytes } from './response-bytes';
import { QueryStats } from './stats';
import { textMatcher } from './text-filter';
import type { MergeWindow, QueryHit } from './window';

/** One page of a query. */
export interface QueryResult {
  readonly events: TalesEvent[];
  /** Set when more events may follow: the position to resume after (the last event returned, or past the days done). */
  readonly resumeAfter?: Position;
  /** Why the page ended before `limit` events with more to come: its byte budget, or the invocation's time. */
  readonly cutShort?: 'bytes' | 'time';
  readonly stats: QueryStats;
}

/** What bounds one page besides its `limit`. */
export interface PageBounds {
  /** Most bytes the page's events may take in the response (see responseBytes); one event always fits. @default MAX_PAGE_BYTES */
  readonly maxBytes?: number;
  /**
   * Whether the invocation's time is up: the page then ends at the next event or day, with what it has
   * and a `resumeAfter` (after at least one day, so that paging always moves on). @default never
   */
  readonly expired?: () => boolean;
  /** Earliest time served: older data may be expiring (bucket retention). @default 0 */
  readonly horizon?: number;
  /**
   * Events the page never returns (erased actors'), passed over as the text filter passes over its
   * misses. Awaited at the first hit, so that reading them runs beside the page's first reads. @default none
   */
  readonly hidden?: Promise<HiddenEvents>;
}

/**
 * Runs one page of a query: walks the UTC days in the query's direction, merges each day's chunks in
 * (time, writer, chunk sequence, ordinal) order, and stops at `limit` + 1 hits (the extra one only
 * proves that a next page exists), at the byte budget, or when time is up. `limit` is not capped
 * here; the HTTP edge caps it.
 */
export async function runQuery(
  ctx: QueryContext,
  request: QueryRequest,
  counter?: ReadCounter,
  bounds: PageBounds = {},
): Promise<QueryResult> {
  const { maxBytes = MAX_PAGE_BYTES, expired = () => false, horizon = 0 } = bounds;
  const pendingHidden = awaitedLater(bounds.hidden);
  let hidden: HiddenEvents | undefined;
  const stats = new QueryStats(counter);
  const descending = request.from > request.to;
  const after = request.after;
  let lo = Math.max(Math.min(request.from, request.to), horizon);
  let hi = Math.max(request.from, request.to);
  if (after) {
    if (descending) hi = Math.min(hi, after.time);
    else lo = Math.max(lo, after.time);
  }
  const page: QueryHit[] = [];
  let bytes = 0;
  let cutShort: QueryResult['cutShort'];
  let more = false;
  const wanted = () => request.limit + 1 - page.length;
  const window: MergeWindow = { actors: request.actors, lo, hi, descending, wanted, ...(after ? { after } : {}) };
  const walk = new BoundedDayWalk(ctx, window, stats, expired);
  const holds = textMatcher(request.contains);
  // The last hit taken or passed over by the text filter: a page cut short resumes after it.
  let resume: Position | undefined;
  try {
    for await (const hit of mergeChunks(ctx, walk, window, stats)) {
      hidden ??= await pendingHidden;
      // The text filter applies after the actor AND: the merge reads every matching event's block.
      if (!holds(hit.event.text) || hidden.hides(hit.event.actors)) {
        resume = hit.position;
        if (expired()) {
          cutShort = 'time';
          more = true;
          break;
        }
        continue;
      }
      // The hit that does not fit stays for the next page, which resumes after the last one taken.
      const size = responseBytes(hit.event);
      if (page.length > 0 && bytes + size > maxBytes) cutShort = 'bytes';
      else if (page.length > 0 && expired()) cutShort = 'time';
      more = cutShort !== undefined || page.length === request.limit;
      if (more) break;
      page.push(hit);
      bytes += size;
      resume = hit.position;
    }
  } finally {
    await walk.close();
  }
  // A page without hits still fails when the hidden events could not be read.
  await pendingHidden;
  const events = page.map((hit) => hit.event);
  if (more && resume) return { events, resumeAfter: resume, ...(cutShort ? { cutShort } : {}), stats };
  const done = walk.doneUntil();
  // Stopped between days: the days done hold no hit after the last one taken, so resuming after both is exact.
  if (done) return { events, resumeAfter: resume && resume.time === done.time ? resume : done, cutShort: 'time', stats };
  return { events, stats };
}
