import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { TalesEvent } from '../event/types';
import { TalesQueryError } from './errors';
import { createSigner, functionUrlRegion, type RequestSigner } from './signer';

export interface TalesQueryOptions {
  /** The query Function URL (or a local server's base URL), e.g. `https://abc.lambda-url.eu-west-1.on.aws/`. */
  readonly url: string;
  /** Region to sign for. @default - the region in a Function URL's host name */
  readonly region?: string;
  /** @default - the standard AWS credential chain (fromNodeProviderChain) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Send requests unsigned, to a local endpoint without IAM auth. @default false */
  readonly unsigned?: boolean;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A query: actors combined with AND, inclusive bounds; results descend when `from > to`. */
export interface QueryParams {
  readonly actors: readonly number[];
  /** Epoch ms, an ISO-8601 string or a Date. */
  readonly from: number | string | Date;
  readonly to: number | string | Date;
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
  private readonly endpoint: URL;
  private readonly sign: RequestSigner | undefined;
  private readonly fetch: typeof fetch;

  constructor(options: TalesQueryOptions) {
    this.endpoint = new URL(options.url);
    this.endpoint.pathname = `${this.endpoint.pathname.replace(/\/+$/, '')}/events`;
    this.fetch = options.fetch ?? globalThis.fetch;
    if (!options.unsigned) {
      const region = options.region ?? functionUrlRegion(this.endpoint);
      if (!region) throw new TypeError(`region is required to sign requests to ${this.endpoint.host}`);
      this.sign = createSigner({ region, credentials: options.credentials ?? fromNodeProviderChain() });
    }
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

  /** One page; pass the previous page's `next` as `cursor` for the following one. */
  async page(params: QueryParams, cursor?: string): Promise<QueryPage> {
    const url = new URL(this.endpoint);
    url.searchParams.set('actors', params.actors.join(','));
    url.searchParams.set('from', timeParam(params.from));
    url.searchParams.set('to', timeParam(params.to));
    if (params.limit !== undefined) url.searchParams.set('limit', String(params.limit));
    if (cursor !== undefined) url.searchParams.set('cursor', cursor);
    const headers = { accept: 'application/json', ...(this.sign ? await this.sign('GET', url) : {}) };
    const response = await this.fetch(url, { method: 'GET', headers });
    const text = await response.text();
    if (!response.ok) throw errorOf(response.status, text);
    return pageOf(response.status, text);
  }
}

function timeParam(value: number | string | Date): string {
  return value instanceof Date ? String(value.getTime()) : String(value);
}

/** The server's `{"error":{"code","message"}}`, or what AWS answers in front of it (IAM denials). */
export function errorOf(status: number, text: string): TalesQueryError {
  const body = parseJson(text) as { error?: { code?: unknown; message?: unknown }; Message?: unknown; message?: unknown } | undefined;
  const { code, message } = body?.error ?? {};
  if (typeof code === 'string' && typeof message === 'string') return new TalesQueryError(status, code, message);
  const other = body?.Message ?? body?.message;
  return new TalesQueryError(status, `http_${status}`, typeof other === 'string' ? other : text.slice(0, 200) || `HTTP ${status}`);
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
