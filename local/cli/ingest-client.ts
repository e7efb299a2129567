import { TalesIngestError } from '../../shared/client/errors';
import { type IngestAnswer, type IngestContentType, TalesIngest } from '../../shared/client/ingest';
import { CliError } from './errors';
import { type Endpoint, reachable } from './target';

/** Posts events to `POST /events` with the package's TalesIngest: unsigned to the local stack, signed to a Function URL. */
export class IngestClient {
  private readonly client: TalesIngest;

  constructor(endpoint: Endpoint, fetchImpl: typeof fetch = globalThis.fetch) {
    if (!endpoint.local && !endpoint.region) throw new CliError(`set --region or AWS_REGION to sign requests to ${endpoint.base.host}`);
    this.client = new TalesIngest({
      url: endpoint.base.href,
      unsigned: endpoint.local,
      ...(endpoint.region ? { region: endpoint.region } : {}),
      ...(endpoint.signHosts.length ? { signHosts: endpoint.signHosts } : {}),
      fetch: reachable(fetchImpl, endpoint),
    });
  }

  /** Sends one body (a JSON event or array, or NDJSON); a 4xx/5xx answer is a CliError with the server's message. */
  async post(body: string, contentType: IngestContentType): Promise<IngestAnswer> {
    try {
      return await this.client.post(body, contentType);
    } catch (error) {
      if (!(error instanceof TalesIngestError)) throw error;
      const origin = this.client.url.origin;
      const detail = error.code === `http_${error.status}` ? '' : ` ${error.code}`;
      throw new CliError(`${origin} answered ${error.status}${detail}: ${error.message}`);
    }
  }
}
