import { functionUrlRegion } from '../../shared/client/signer';
import type { Env } from '../../shared/config/env';
import { LOCAL_DEFAULTS } from '../config';
import { CliError } from './errors';

/** Where the CLI sends requests: flags first, then TALES_URL / TALES_INGEST_URL / TALES_QUERY_URL, else the local stack. */
export interface TargetOptions {
  readonly url?: string;
  readonly ingestUrl?: string;
  readonly queryUrl?: string;
  readonly region?: string;
}

export interface Endpoint {
  /** Base URL; requests go to `<base>/events`. */
  readonly base: URL;
  /** A loopback address (the local stack): sent unsigned. Anything else is a Function URL, signed with SigV4. */
  readonly local: boolean;
  /** Region to sign for: --region, else AWS_REGION, else the one in a Function URL's host name. */
  readonly region?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function resolveEndpoints(options: TargetOptions, env: Env): { ingest: Endpoint; query: Endpoint } {
  const base = options.url ?? env.TALES_URL ?? `http://127.0.0.1:${env.TALES_PORT || LOCAL_DEFAULTS.port}`;
  const endpoint = (value: string, option: string): Endpoint => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new CliError(`${option} "${value}" is not a URL`);
    }
    const region = options.region ?? (env.AWS_REGION || functionUrlRegion(url));
    return { base: url, local: LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.'), ...(region ? { region } : {}) };
  };
  return {
    ingest: endpoint(options.ingestUrl ?? env.TALES_INGEST_URL ?? base, '--ingest-url'),
    query: endpoint(options.queryUrl ?? env.TALES_QUERY_URL ?? base, '--query-url'),
  };
}

/** `fetch` that turns an unreachable server into a CliError saying what to do. */
export function reachable(fetchImpl: typeof fetch, endpoint: Endpoint): typeof fetch {
  return async (input, init) => {
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      const hint = endpoint.local ? ' (is the local stack running? start it with npm start)' : '';
      throw new CliError(`cannot reach ${endpoint.base.origin}: ${why}${hint}`);
    }
  };
}
