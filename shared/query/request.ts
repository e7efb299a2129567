import { EventValidationError } from '../event/errors';
import { MAX_ACTOR_ID } from '../event/limits';
import { parseTimeExpression } from '../event/time-expression';
import { DAY_MS } from '../layout/day';
import { actorsDigest, containsDigest, decodeCursor } from './cursor';
import { QueryInputError } from './errors';
import { DEFAULT_LIMIT, DEFAULT_WINDOW_MS, MAX_LIMIT, MAX_QUERY_ACTORS } from './limits';
import type { Position } from './order';
import { parseContains } from './text-filter';

/** A validated query: distinct actors (AND), inclusive bounds (descending when from > to), page size, resume point. */
export interface QueryRequest {
  readonly actors: readonly number[];
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** Resume strictly after this position (from a cursor). @default - the start of the range */
  readonly after?: Position;
  /** Only events whose text holds this, ignoring case (see text-filter.ts). @default - no filter */
  readonly contains?: string;
}

export interface RequestOptions {
  /** Server time: the default `to`. */
  readonly now: number;
  /** Widest accepted |to - from|, in days. */
  readonly maxSpanDays: number;
}

export type QueryParameters = Readonly<Record<string, string | undefined>>;

const PARAMETERS = ['actors', 'from', 'to', 'limit', 'cursor', 'contains'];

/**
 * Validates the query string of `GET /events`. Omitted bounds: `to` = now, `from` = `to` - 24 h
 * (ascending); with a cursor, omitted bounds are the cursor's and given ones must equal them, and an
 * omitted limit is the cursor's (the first page's).
 */
export function parseQueryRequest(params: QueryParameters, options: RequestOptions): QueryRequest {
  checkParameters(params, PARAMETERS);
  const actors = parseActors(params.actors);
  const contains = parseContains(params.contains);
  let limit = parseLimit(params.limit);
  let from = optionalTime(params, 'from', options.now);
  let to = optionalTime(params, 'to', options.now);
  let after: Position | undefined;
  if (params.cursor !== undefined) {
    const cursor = decodeCursor(params.cursor);
    if (cursor.actors !== actorsDigest(actors)) {
      throw new QueryInputError('cursor_mismatch', 'cursor belongs to a query for other actors');
    }
    if (cursor.contains !== containsDigest(contains)) {
      throw new QueryInputError('cursor_mismatch', 'cursor belongs to a query with another contains text');
    }
    if ((from !== undefined && from !== cursor.from) || (to !== undefined && to !== cursor.to)) {
      throw new QueryInputError(
        'cursor_mismatch',
        `cursor belongs to a query with other bounds (from ${cursor.from}, to ${cursor.to}); omit from and to, or repeat them`,
      );
    }
    from = cursor.from;
    to = cursor.to;
    limit ??= cursor.limit;
    after = cursor.after;
  }
  const bounds = resolveBounds(from, to, options);
  return { actors, ...bounds, limit: limit ?? DEFAULT_LIMIT, ...(after ? { after } : {}), ...(contains !== undefined ? { contains } : {}) };
}

/** Refuses any parameter not in `allowed`, naming the allowed ones. */
export function checkParameters(params: QueryParameters, allowed: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!allowed.includes(name)) {
      throw new QueryInputError('parameter_unknown', `unknown parameter "${name}" (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** Omitted bounds: `to` = now, `from` = `to` - 24 h; the span is checked against the maximum. */
export function resolveBounds(given: number | undefined, until: number | undefined, options: RequestOptions): { from: number; to: number } {
  const to = until ?? options.now;
  const from = given ?? Math.max(0, to - DEFAULT_WINDOW_MS);
  const span = Math.abs(to - from);
  if (span > options.maxSpanDays * DAY_MS) {
    throw new QueryInputError(
      'span_too_large',
      `from..to spans ${(span / DAY_MS).toFixed(1)} days, over the maximum of ${options.maxSpanDays} days`,
    );
  }
  return { from, to };
}

export function parseActors(value: string | undefined): number[] {
  if (value === undefined || value === '') {
    throw new QueryInputError('actors_missing', 'actors is required: comma-separated uint32 ids, e.g. actors=12345,67890');
  }
  const items = value.split(',');
  if (items.length > MAX_QUERY_ACTORS) {
    throw new QueryInputError('actors_too_many', `a query may name at most ${MAX_QUERY_ACTORS} actors (got ${items.length})`);
  }
  const seen = new Set<number>();
  for (const item of items) {
    const actor = Number(item);
    if (!/^\d{1,10}$/.test(item) || actor > MAX_ACTOR_ID) {
      throw new QueryInputError('actor_invalid', `actor must be an integer in 0..${MAX_ACTOR_ID} (got "${clip(item)}")`);
    }
    if (seen.has(actor)) throw new QueryInputError('actor_duplicate', `actor ${actor} is named twice`);
    seen.add(actor);
  }
  return [...seen];
}

/** The page size given, else undefined: a cursor's own, or the default. */
function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!/^\d{1,7}$/.test(value) || limit < 1 || limit > MAX_LIMIT) {
    throw new QueryInputError('limit_invalid', `limit must be an integer in 1..${MAX_LIMIT} (got "${clip(value)}")`);
  }
  return limit;
}

/** Epoch milliseconds, an ISO-8601 string, or relative to server time (`now`, `-15m`, `-1h`, `-2d`), as the CLI reads. */
export function optionalTime(params: QueryParameters, name: 'from' | 'to', now: number): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  try {
    return parseTimeExpression(value, now);
  } catch (error) {
    if (error instanceof EventValidationError) throw new QueryInputError('time_invalid', `${name}: ${error.message}`);
    throw error;
  }
}

export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
