import type { TalesEvent } from '../event/types';
import type { Position } from './order';

/** An event the query returns, with its place in the order. */
export interface QueryHit {
  readonly event: TalesEvent;
  readonly position: Position;
}

/** Whether a time span (a chunk's, a block's) meets the inclusive bounds `lo`..`hi` (a window's, a grid's). */
export function overlaps(
  span: { readonly minTime: number; readonly maxTime: number },
  bounds: { readonly lo: number; readonly hi: number },
): boolean {
  return span.maxTime >= bounds.lo && span.minTime <= bounds.hi;
}

/** What is left to produce of a query. */
export interface MergeWindow {
  readonly actors: readonly number[];
  /** Inclusive time bounds, lo <= hi. */
  readonly lo: number;
  readonly hi: number;
  readonly descending: boolean;
  /** Only positions after this one, in the query's order, are produced. */
  readonly after?: Position;
  /** Hits the page still wants (at least 1 while the merge runs). */
  readonly wanted: () => number;
}
