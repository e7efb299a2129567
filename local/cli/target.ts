import { SigningRefusedError } from '../../shared/client/errors';
import { checkSigningTarget, functionUrlRegion } from '../../shared/client/signer';
import type { Env } from '../../shared/config/env';
import { LOCAL_DEFAULTS } from '../config';
import { CliError } from './errors';
import { isLoopbackHost } from './loopback';

/** Where the CLI sends requests: flags first, then TALES_URL / TALES_INGEST_URL / TALES_QUERY_URL, else the local stack. */
export interface TargetOptions {
  readonly url?: string;
  readonly ingestUrl?: string;
  readonly queryUrl?: string;
  readonly region?: string;
  /** A host besides https Lambda Function URL hosts that the CLI may send signed requests to. */
  readonly signHost?: string;
}

export interface Endpoint {
  /** Base URL; requests go to `<base>/events`. */
  readonly base: URL;
  /** A loopback address (the local stack): sent unsigned. Anything else is a Function URL, signed with SigV4. */
  readonly local: boolean;
  /** Region to sign for: --region, else AWS_REGION, else the one in a Function URL's host name. */
  readonly region?: string;
  /** Hosts besides Function URL hosts that requests may be signed for (--sign-host). */
  readonly signHosts: readonly string[];
}

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
    const local = isLoopbackHost(url.hostname);
    const signHosts = options.signHost ? [options.signHost] : [];
    if (!local) checkSignable(url, signHosts, option);
    return { base: url, local, signHosts, ...(region ? { region } : {}) };
  };
  return {
    ingest: endpoint(options.ingestUrl ?? env.TALES_INGEST_URL ?? base, '--ingest-url'),
    query: endpoint(options.queryUrl ?? env.TALES_QUERY_URL ?? base, '--query-url'),
  };
}

/**
 * The region to sign requests to `endpoint` for; undefined for the local stack. A host that is not a
 * Function URL does not name its region, so --region or AWS_REGION must.
 */
export function signingRegion(endpoint: Endpoint): string | undefined {
  if (endpoint.local) return undefined;
  if (!endpoint.region) {
    throw new CliError(
      `cannot tell the region of ${endpoint.base.host}, which is not a Function URL host: pass --region or set AWS_REGION`,
    );
  }
  return endpoint.region;
}

/** A request that is not to this machine is signed: refuse, before any credential is read, a target that could leak them. */
function checkSignable(url: URL, signHosts: readonly string[], option: string): void {
  try {
    checkSigningTarget(url, signHosts);
  } catch (error) {
    if (!(error instanceof SigningRefusedError)) throw error;
    throw new CliError(
      `${option} ${url.origin} is neither this machine nor an https Lambda Function URL, and requests to it would carry ` +
        `your AWS credentials: use https://<id>.lambda-url.<region>.on.aws, or pass --sign-host ${url.hostname} to trust it`,
    );
  }
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
