import type { StoredEvent } from './seed-chunks';

/**
 * What a query must return, computed the obvious way over everything stored: the events naming all
 * `actors` with from..to (inclusive) in (time, writer, chunk sequence, ordinal) order, reversed when from > to.
 */
export function expectedEvents(
  stored: readonly StoredEvent[],
  query: { actors: readonly number[]; from: number; to: number },
): StoredEvent[] {
  const lo = Math.min(query.from, query.to);
  const hi = Math.max(query.from, query.to);
  const matching = stored.filter(
    ({ event }) => event.time >= lo && event.time <= hi && query.actors.every((actor) => event.actors.includes(actor)),
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
export function expectedVisibleEvents(
  stored: readonly StoredEvent[],
  query: { actors: readonly number[]; from: number; to: number },
  erased: ReadonlySet<number>,
): StoredEvent[] {
  return expectedEvents(stored, query).filter(({ event }) => !event.actors.some((actor) => erased.has(actor)));
}
