import type { ReadCounter } from '../aws/s3-source';
import type { QueryContext } from '../query/context';
import type { QueryRequest } from '../query/request';
import { type QueryResult, runQuery } from '../query/run-query';
import type { QueryStats } from '../query/stats';
import { namesErased } from './erased-actors';

/** Reads the erased actors as they are now (ErasedActors.current). */
export type ErasedNow = () => Promise<ReadonlySet<number>>;

/**
 * One page of a query without the events that name an erased actor. The erased set is revalidated
 * while the first pass runs, so a query that touches no erased actor costs one HEAD more, in
 * parallel, and nothing else. When erased events took places on the page, the query resumes after
 * the last event it saw for the missing ones, so a page is still full when more events follow; the
 * cursor is the last seen event's position, which a later page resumes after (erased or not).
 */
export async function runVisibleQuery(
  ctx: QueryContext,
  erasedNow: ErasedNow,
  request: QueryRequest,
  counter?: ReadCounter,
): Promise<QueryResult> {
  const [erased, first] = await Promise.all([erasedNow(), runQuery(ctx, request, counter)]);
  if (request.actors.some((actor) => erased.has(actor))) return { events: [], stats: first.stats };
  const events = first.events.filter((event) => !namesErased(event.actors, erased));
  let page = first;
  while (events.length < request.limit && page.resumeAfter && page.events.length > 0) {
    page = await runQuery(ctx, { ...request, limit: request.limit - events.length, after: page.resumeAfter }, counter);
    addCounts(first.stats, page.stats);
    for (const event of page.events) if (!namesErased(event.actors, erased)) events.push(event);
  }
  return page.resumeAfter ? { events, resumeAfter: page.resumeAfter, stats: first.stats } : { events, stats: first.stats };
}

/** Adds a later pass's counts to the first's (the shared counter has counted them already). */
function addCounts(into: QueryStats, from: QueryStats): void {
  const target = into as unknown as Record<string, number>;
  for (const [name, value] of Object.entries(from.toJSON())) if (typeof value === 'number') target[name] = (target[name] ?? 0) + value;
}
