import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { TalesQueryError } from './errors';
import { errorOf, type TalesQueryOptions } from './query';
import { createSigner, functionUrlRegion, type RequestSigner } from './signer';

/** An erasure as the query Function URL reports it. */
export interface Erasure {
  readonly id: string;
  readonly actor: number;
  readonly status: 'hidden' | 'purging' | 'purged';
  /** UTC days (YYYY-MM-DD) still holding the actor's events; null until the first purge pass. */
  readonly days: string[] | null;
  /** ISO-8601. */
  readonly requestedAt: string;
  /** The IAM principal that asked. */
  readonly principal: string;
  readonly purgedAt?: string;
}

/**
 * Erases actors and reports erasures through the query Function URL (the caller needs TalesLog.grantErase).
 * Takes the same options as TalesQuery.
 */
export class TalesErasures {
  private readonly base: URL;
  /** The URL's path without its trailing slashes ('' for a Function URL). */
  private readonly basePath: string;
  private readonly sign: RequestSigner | undefined;
  private readonly fetch: typeof fetch;

  constructor(options: TalesQueryOptions) {
    this.base = new URL(options.url);
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    if (!options.unsigned) {
      const region = options.region ?? functionUrlRegion(this.base);
      if (!region) throw new TypeError(`region is required to sign requests to ${this.base.host}`);
      this.sign = createSigner({ region, credentials: options.credentials ?? fromNodeProviderChain() });
    }
  }

  /** Erases `actor`: hidden from every query once this resolves, purged from storage later. Idempotent. */
  erase(actor: number): Promise<Erasure> {
    return this.send('DELETE', `/actors/${actor}`);
  }

  /** The erasure with this id (a 404 TalesQueryError when there is none). */
  erasure(id: string): Promise<Erasure> {
    return this.send('GET', `/erasures/${encodeURIComponent(id)}`);
  }

  private async send(method: 'GET' | 'DELETE', path: string): Promise<Erasure> {
    const url = new URL(this.base);
    url.pathname = `${this.basePath}${path}`;
    const headers = { accept: 'application/json', ...(this.sign ? await this.sign(method, url) : {}) };
    const response = await this.fetch(url, { method, headers });
    const text = await response.text();
    if (!response.ok) throw errorOf(response.status, text);
    return erasureOf(response.status, text);
  }
}

function erasureOf(status: number, text: string): Erasure {
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (!body || typeof body.id !== 'string' || typeof body.actor !== 'number' || typeof body.status !== 'string') {
    throw new TalesQueryError(status, 'invalid_response', 'the answer is not an erasure');
  }
  return body as unknown as Erasure;
}
