import type { ReadCounter } from '../aws/s3-source';
import type { TalesEvent } from '../event/types';
import { dayNumber } from '../layout/day';
import { mapLimit } from '../util/map-limit';
import type { QueryContext } from './context';
import { type MergeWindow, mergeDay, type QueryHit } from './day-merge';
import { type ChunkRef, daySources } from './day-sources';
import type { Position } from './order';
import type { QueryRequest } from './request';
import { QueryStats } from './stats';

/** One page of a query. */
export interface QueryResult {
  readonly events: TalesEvent[];
  /** Set when more events follow: the position of the last event returned, to resume after. */
  readonly resumeAfter?: Position;
  readonly stats: QueryStats;
}

/**
 * Runs one page of a query: walks the UTC days in the query's direction, merges each day's chunks in
 * (time, writer, chunk sequence, ordinal) order, and stops at `limit` + 1 hits (the extra one only
 * proves that a next page exists). `limit` is not capped here; the HTTP edge caps it.
 */
export async function runQuery(ctx: QueryContext, request: QueryRequest, counter?: ReadCounter): Promise<QueryResult> {
  const stats = new QueryStats(counter);
  const descending = request.from > request.to;
  const after = request.after;
  let lo = Math.min(request.from, request.to);
  let hi = Math.max(request.from, request.to);
  if (after) {
    if (descending) hi = Math.min(hi, after.time);
    else lo = Math.max(lo, after.time);
  }
  const hits: QueryHit[] = [];
  const wanted = () => request.limit + 1 - hits.length;
  const window: MergeWindow = { actors: request.actors, lo, hi, descending, wanted, ...(after ? { after } : {}) };
  walk: for await (const refs of dayWalk(ctx, window, stats)) {
    for await (const hit of mergeDay(ctx, refs, window, stats)) {
      hits.push(hit);
      if (hits.length > request.limit) break walk;
    }
  }
  const page = hits.slice(0, request.limit);
  const last = page[page.length - 1];
  const events = page.map((hit) => hit.event);
  return hits.length > request.limit && last ? { events, resumeAfter: last.position, stats } : { events, stats };
}

/**
 * The chunks of each day in the window, day by day in the query's direction. A day is read when the
 * merge needs it; after a day without data the next ones are listed in parallel, doubling up to the
 * concurrency, so a long sparse range costs few round trips (one list per empty day).
 */
async function* dayWalk(ctx: QueryContext, window: MergeWindow, stats: QueryStats): AsyncGenerator<ChunkRef[]> {
  if (window.lo > window.hi) return;
  const first = dayNumber(window.lo);
  const last = dayNumber(window.hi);
  const days = Array.from({ length: last - first + 1 }, (_, i) => (window.descending ? last - i : first + i));
  let ahead = 1;
  let at = 0;
  while (at < days.length) {
    const batch = days.slice(at, at + ahead);
    at += batch.length;
    const sources = await mapLimit(batch, ctx.concurrency, (day) => daySources(ctx, day, stats));
    for (const refs of sources) yield refs;
    ahead = sources.every((refs) => refs.length === 0) ? Math.min(ahead * 2, ctx.concurrency) : 1;
  }
}
