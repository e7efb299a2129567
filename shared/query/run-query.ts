import type { ReadCounter } from '../aws/s3-source';
import type { TalesEvent } from '../event/types';
import type { QueryContext } from './context';
import { DayWalk } from './day-walk';
import { mergeChunks } from './merge';
import type { Position } from './order';
import type { QueryRequest } from './request';
import { QueryStats } from './stats';
import { textMatcher } from './text-filter';
import type { MergeWindow, QueryHit } from './window';

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
  const walk = new DayWalk(ctx, window, stats);
  const holds = textMatcher(request.contains);
  try {
    for await (const hit of mergeChunks(ctx, walk, window, stats)) {
      // The text filter applies after the actor AND: the merge reads every matching event's block.
      if (!holds(hit.event.text)) continue;
      hits.push(hit);
      if (hits.length > request.limit) break;
    }
  } finally {
    await walk.close();
  }
  const page = hits.slice(0, request.limit);
  const last = page[page.length - 1];
  const events = page.map((hit) => hit.event);
  return hits.length > request.limit && last ? { events, resumeAfter: last.position, stats } : { events, stats };
}
