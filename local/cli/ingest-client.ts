import { TalesIngestError } from '../../shared/client/errors';
import { type IngestAnswer, type IngestContentType, TalesIngest } from '../../shared/client/ingest';
import { CliError } from './errors';
import { type Endpoint, reachable, signingRegion } from './target';

/** The ingest endpoint answered with an error status. */
export class IngestRequestError extends CliError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Posts events to `POST /events` with the package's TalesIngest: unsigned to the local stack, signed to a Function URL. */
export class IngestClient {
  private readonly client: TalesIngest;

  constructor(endpoint: Endpoint, fetchImpl: typeof fetch = globalThis.fetch) {
    const region = signingRegion(endpoint);
    this.client = new TalesIngest({
      url: endpoint.base.href,
      unsigned: endpoint.local,
      ...(region ? { region } : {}),
      ...(endpoint.signHosts.length ? { signHosts: endpoint.signHosts } : {}),
      fetch: reachable(fetchImpl, endpoint),
    });
  }

  /** Sends one body (a JSON event or array, or NDJSON); a 4xx/5xx answer is an IngestRequestError with the server's message. */
  async post(body: string, contentType: IngestContentType): Promise<IngestAnswer> {
    try {
      return await this.client.post(body, contentType);
    } catch (error) {
      if (!(error instanceof TalesIngestError)) throw error;
      const origin = this.client.url.origin;
      const detail = error.code === `http_${error.status}` ? '' : ` ${error.code}`;
      throw new IngestRequestError(`${origin} answered ${error.status}${detail}: ${error.message}`, error.status);
    }
  }
}
