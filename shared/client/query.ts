import type { TalesEvent } from '../event/types';
import { TalesQueryError } from './errors';
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
   * One page; pass the previous page's `next` as `cursor` for the following one. With a cursor, `from` and
   * `to` are not sent: the cursor holds the resolved bounds (a relative `-1h` would have moved since).
   */
  async page(params: QueryParams, cursor?: string): Promise<QueryPage> {
    const url = new URL(this.endpoint.events);
    url.searchParams.set('actors', params.actors.join(','));
    if (params.from !== undefined && cursor === undefined) url.searchParams.set('from', timeParam(params.from));
    if (params.to !== undefined && cursor === undefined) url.searchParams.set('to', timeParam(params.to));
    if (params.limit !== undefined) url.searchParams.set('limit', String(params.limit));
    if (cursor !== undefined) url.searchParams.set('cursor', cursor);
    const { status, text } = await this.endpoint.request('GET', url, { accept: 'application/json' });
    if (status < 200 || status > 299) {
      const { code, message } = errorFields(status, text);
      throw new TalesQueryError(status, code, message);
    }
    return pageOf(status, text);
  }
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
