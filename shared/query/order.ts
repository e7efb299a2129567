/**
 * Where an event sits in the deterministic order: (time, writer, chunk sequence, ordinal).
 * Unique per stored event, so pages resume exactly after the last one returned.
 */
export interface Position {
  readonly time: number;
  readonly writer: string;
  readonly seq: number;
  readonly ordinal: number;
}

/** Ascending order of positions; writers compare as plain strings (code units), never by locale. */
export function comparePositions(a: Position, b: Position): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.writer !== b.writer) return a.writer < b.writer ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.ordinal - b.ordinal;
}

/** The query's order: ascending, or its exact reverse. */
export function orderOf(descending: boolean): (a: Position, b: Position) => number {
  return descending ? (a, b) => comparePositions(b, a) : comparePositions;
}
