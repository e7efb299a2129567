import type { StoredEvent } from './seed-chunks';

export interface OracleQuery {
  readonly actors: readonly number[];
  readonly from: number;
  readonly to: number;
  readonly contains?: string;
}

/**
 * What a query must return, computed the obvious way over everything stored: the events naming all
 * `actors` with from..to (inclusive), and whose text holds `contains` in either case, in (time,
 * writer, chunk sequence, ordinal) order, reversed when from > to.
 */
export function expectedEvents(stored: readonly StoredEvent[], query: OracleQuery): StoredEvent[] {
  const lo = Math.min(query.from, query.to);
  const hi = Math.max(query.from, query.to);
  const needle = query.contains?.toLowerCase() ?? '';
  const matching = stored.filter(
    ({ event }) =>
      event.time >= lo &&
      event.time <= hi &&
      query.actors.every((actor) => event.actors.includes(actor)) &&
      event.text.toLowerCase().includes(needle),
  );
  const key = ({ position: p }: StoredEvent) => [p.time, p.writer, p.seq, p.ordinal] as const;
  matching.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as number | string) < (y[i] as number | string) ? -1 : 1;
    return 0;
  });
  return query.from > query.to ? matching.reverse() : matching;
}

/** What a query must return once `erased` actors are erased: the oracle without every event naming one. */
export function expectedVisibleEvents(stored: readonly StoredEvent[], query: OracleQuery, erased: ReadonlySet<number>): StoredEvent[] {
  return expectedEvents(stored, query).filter(({ event }) => !event.actors.some((actor) => erased.has(actor)));
}

/**
 * What `/events/counts` must answer: the matching events (without those naming an `erased` actor)
 * counted one by one into `buckets` spans of ceil(span / buckets) ms from the lower bound.
 */
export function expectedCounts(
  stored: readonly StoredEvent[],
  query: OracleQuery & { readonly buckets: number },
  erased: ReadonlySet<number> = new Set(),
): number[] {
  const lo = Math.min(query.from, query.to);
  const width = Math.ceil((Math.max(query.from, query.to) - lo + 1) / query.buckets);
  const counts = new Array<number>(query.buckets).fill(0);
  for (const { event } of expectedVisibleEvents(stored, query, erased)) {
    const bucket = Math.floor((event.time - lo) / width);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return counts;
}
