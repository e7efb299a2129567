import type { TalesEvent } from '../event/types';
import { TalesQueryError } from './errors';
import { FOLLOW_SETTLE_MS, FollowBackoff, SeenEvents } from './follow-window';
import { errorFields, FunctionUrl, type FunctionUrlOptions, parseJson } from './function-url';

export type TalesQueryOptions = FunctionUrlOptions;

/** A query: actors combined with AND, inclusive bounds; results descend when `from > to`. */
export interface QueryParams {
  readonly actors: readonly number[];
  /** Epoch ms, an ISO-8601 string, a Date, or relative to the server's now: `now`, `-15m`, `-1h`, `-2d`. @default - `to` minus 24 hours */
  readonly from?: number | string | Date;
  /** Same forms as `from`. @default - now */
  readonly to?: number | string | Date;
  /** Events per page, 1..1000. @default - the server's */
  readonly limit?: number;
  /** Only events whose text holds this, ignoring case. @default - no filter */
  readonly contains?: string;
}

/** Counts of a query's events in `buckets` equal time spans. */
export interface CountsParams extends Omit<QueryParams, 'limit'> {
  /** 1..1000. @default - the server's (60) */
  readonly buckets?: number;
}

export interface CountsAnswer {
  /** The range counted (lower bound first) and the width of each bucket, in epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly width: number;
  /** Bucket i covers from + i·width .. from + (i+1)·width − 1 (the last clipped at `to`). */
  readonly counts: number[];
}

/** What to follow: a query from `from` on, oldest first, with no end. */
export type FollowParams = Omit<QueryParams, 'to'>;

export interface FollowOptions {
  /** Ends the iteration (at once, even while waiting for the next poll). */
  readonly signal?: AbortSignal;
  /** Wait after a poll that found events. @default 1000 */
  readonly minIntervalMs?: number;
  /** Longest wait: it doubles from the minimum while polls find nothing. @default 30000 */
  readonly maxIntervalMs?: number;
  /** How far behind the newest poll each poll starts again, to catch events made visible late. @default 120000 */
  readonly settleMs?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

export interface QueryPage {
  readonly events: TalesEvent[];
  /** The cursor of the next page; absent on the last page. */
  readonly next?: string;
}

/** Reads events through the query Function URL: one page at a time, or as an iterator across pages. */
export class TalesQuery {
  private readonly endpoint: FunctionUrl;

  constructor(options: TalesQueryOptions) {
    this.endpoint = new FunctionUrl(options);
  }

  /**
   * Every matching event, fetching pages as the loop asks for them and following `next` to the end.
   * Leaving the loop early sends no further request.
   */
  async *query(params: QueryParams): AsyncGenerator<TalesEvent, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.page(params, cursor);
      yield* page.events;
      cursor = page.next;
    } while (cursor !== undefined);
  }

  /**
   * Every matching event from `params.from` on, oldest first, then those that become visible later, as
   * they do, until `signal` aborts. Each poll reads the window from `settleMs` before the previous
   * poll's end up to now (all its pages) and yields the events it has not yielded yet; so an event
   * made visible late (up to `settleMs` behind) still comes, possibly after newer ones. Polls follow
   * each other at `minIntervalMs`, doubling up to `maxIntervalMs` while they find nothing.
   */
  async *follow(params: FollowParams, options: FollowOptions = {}): AsyncGenerator<TalesEvent, void, undefined> {
    const { signal, settleMs = FOLLOW_SETTLE_MS, clock = Date.now } = options;
    const backoff = new FollowBackoff(options.minIntervalMs, options.maxIntervalMs);
    const seen = new SeenEvents();
    const start = params.from === undefined ? clock() : timeOf(params.from);
    let from = start;
    while (!signal?.aborted) {
      const to = Math.max(from, clock());
      const events: TalesEvent[] = [];
      for await (const event of this.query({ ...params, from, to })) events.push(event);
      const fresh = seen.fresh(events, from);
      yield* fresh;
      from = Math.max(start, to - settleMs);
      await sleep(backoff.next(fresh.length > 0), signal);
    }
  }

  /**
   * One page; pass the previous page's `next` as `cursor` for the following one. With a cursor, `from` and
   * `to` are not sent: the cursor holds the resolved bounds (a relative `-1h` would have moved since).
   */
  async page(params: QueryParams, cursor?: string): Promise<QueryPage> {
    const url = this.url('/events', params, cursor === undefined);
    if (params.limit !== undefined) url.searchParams.set('limit', String(params.limit));
    if (cursor !== undefined) url.searchParams.set('cursor', cursor);
    const { status, text } = await this.get(url);
    return pageOf(status, text);
  }

  /** The counts of matching events per bucket (`GET /events/counts`). */
  async counts(params: CountsParams): Promise<CountsAnswer> {
    const url = this.url('/events/counts', params, true);
    if (params.buckets !== undefined) url.searchParams.set('buckets', String(params.buckets));
    const { status, text } = await this.get(url);
    return countsOf(status, text);
  }

  private url(path: string, params: CountsParams, withBounds: boolean): URL {
    const url = new URL(this.endpoint.events);
    url.pathname = `${url.pathname.replace(/\/events$/, '')}${path}`;
    url.searchParams.set('actors', params.actors.join(','));
    if (withBounds && params.from !== undefined) url.searchParams.set('from', timeParam(params.from));
    if (withBounds && params.to !== undefined) url.searchParams.set('to', timeParam(params.to));
    if (params.contains !== undefined) url.searchParams.set('contains', params.contains);
    return url;
  }

  private async get(url: URL): Promise<{ status: number; text: string }> {
    const { status, text } = await this.endpoint.request('GET', url, { accept: 'application/json' });
    if (status < 200 || status > 299) {
      const { code, message } = errorFields(status, text);
      throw new TalesQueryError(status, code, message);
    }
    return { status, text };
  }
}

function timeOf(value: number | string | Date): number {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(time)) throw new TypeError(`from must be epoch ms, an ISO-8601 string or a Date (given ${String(value)})`);
  return time;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function timeParam(value: number | string | Date): string {
  return value instanceof Date ? String(value.getTime()) : String(value);
}

function pageOf(status: number, text: string): QueryPage {
  const body = parseJson(text) as { events?: unknown; next?: unknown } | undefined;
  const bad = (why: string) => new TalesQueryError(status, 'invalid_response', `the query answer is not a page of events: ${why}`);
  if (!body || !Array.isArray(body.events)) throw bad('no "events" array');
  const events = body.events.map((e: unknown, i) => {
    const { time, actors, text: eventText } = (e ?? {}) as Record<string, unknown>;
    if (
      typeof time !== 'number' ||
      typeof eventText !== 'string' ||
      !Array.isArray(actors) ||
      !actors.every((a) => typeof a === 'number')
    ) {
      throw bad(`event ${i} is not {time, actors, text}`);
    }
    return { time, actors: actors as number[], text: eventText };
  });
  if (body.next !== undefined && body.next !== null && typeof body.next !== 'string') throw bad('"next" is not a string');
  return typeof body.next === 'string' ? { events, next: body.next } : { events };
}

function countsOf(status: number, text: string): CountsAnswer {
  const body = parseJson(text) as Record<string, unknown> | undefined;
  const { from, to, width, counts } = body ?? {};
  const numbers = [from, to, width];
  if (!numbers.every((n) => typeof n === 'number') || !Array.isArray(counts) || !counts.every((n) => typeof n === 'number')) {
    throw new TalesQueryError(status, 'invalid_response', 'the counts answer is not {from, to, width, counts}');
  }
  return { from: from as number, to: to as number, width: width as number, counts: counts as number[] };
}
