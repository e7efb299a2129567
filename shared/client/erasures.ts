import { TalesQueryError } from './errors';
import { errorFields, FunctionUrl, type FunctionUrlOptions, parseJson } from './function-url';

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
  private readonly endpoint: FunctionUrl;

  constructor(options: FunctionUrlOptions) {
    this.endpoint = new FunctionUrl(options);
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
    const url = new URL(this.endpoint.events);
    url.pathname = `${url.pathname.replace(/\/events$/, '')}${path}`;
    const { status, text } = await this.endpoint.request(method, url, { accept: 'application/json' });
    if (status < 200 || status > 299) {
      const { code, message } = errorFields(status, text);
      throw new TalesQueryError(status, code, message);
    }
    return erasureOf(status, text);
  }
}

function erasureOf(status: number, text: string): Erasure {
  const body = parseJson(text) as Record<string, unknown> | undefined;
  if (!body || typeof body.id !== 'string' || typeof body.actor !== 'number' || typeof body.status !== 'string') {
    throw new TalesQueryError(status, 'invalid_response', 'the answer is not an erasure');
  }
  return body as unknown as Erasure;
}
