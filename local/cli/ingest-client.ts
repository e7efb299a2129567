import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { createSigner, type RequestSigner } from '../../shared/client/signer';
import type { IngestFailure } from '../../shared/ingest/types';
import { CliError } from './errors';
import { type Endpoint, reachable } from './target';

export interface IngestAnswer {
  readonly accepted: number;
  /** Events of the request that are not in the stream, by index in the request. */
  readonly failed: readonly IngestFailure[];
}

/** Posts events to `POST /events`: unsigned to the local stack, signed (SigV4, service lambda) to a Function URL. */
export class IngestClient {
  private readonly url: URL;
  private readonly fetch: typeof fetch;
  private readonly sign: RequestSigner | undefined;

  constructor(endpoint: Endpoint, fetchImpl: typeof fetch = globalThis.fetch) {
    this.url = new URL(endpoint.base);
    this.url.pathname = `${this.url.pathname.replace(/\/+$/, '')}/events`;
    this.fetch = reachable(fetchImpl, endpoint);
    if (!endpoint.local) {
      if (!endpoint.region) throw new CliError(`set --region or AWS_REGION to sign requests to ${this.url.host}`);
      this.sign = createSigner({ region: endpoint.region, credentials: fromNodeProviderChain() });
    }
  }

  /** Sends one body (a JSON event or array, or NDJSON); an error answer is a CliError with the server's message. */
  async post(body: string, contentType: 'application/json' | 'application/x-ndjson'): Promise<IngestAnswer> {
    const headers = {
      'content-type': contentType,
      accept: 'application/json',
      ...(this.sign ? await this.sign('POST', this.url, body) : {}),
    };
    const response = await this.fetch(this.url, { method: 'POST', headers, body });
    const text = await response.text();
    const answer = parseJson(text) as { accepted?: unknown; failed?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    // A 400 in which no event was valid names each event's failure, as a 207 does.
    if (response.status === 202 || response.status === 207 || response.status === 400) {
      if (typeof answer?.accepted === 'number') {
        return { accepted: answer.accepted, failed: Array.isArray(answer.failed) ? (answer.failed as IngestFailure[]) : [] };
      }
    }
    const error = answer?.error;
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      throw new CliError(`${this.url.origin} answered ${response.status} ${error.code}: ${error.message}`);
    }
    throw new CliError(`${this.url.origin} answered ${response.status}: ${text.slice(0, 200) || '(no body)'}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
