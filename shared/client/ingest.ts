import type { IngestFailure } from '../ingest/types';
import { TalesIngestError } from './errors';
import { errorFields, FunctionUrl, type FunctionUrlOptions, parseJson } from './function-url';
import type { LogInput } from './producer';

export type TalesIngestOptions = FunctionUrlOptions;

/** What the ingest endpoint did with a request. */
export interface IngestAnswer {
  /** Events now in the stream. */
  readonly accepted: number;
  /** Events of the request that are not in the stream, by 0-based index in the request. */
  readonly failed: readonly IngestFailure[];
}

/** The body types `POST /events` reads: one event or an array as JSON, or one event per line. */
export type IngestContentType = 'application/json' | 'application/x-ndjson';

/**
 * Posts events to the ingest Function URL (`POST /events`), signed with SigV4 unless `unsigned`; for
 * callers without Kinesis access (a browser backend, a script). The producer writes to the stream directly.
 */
export class TalesIngest {
  private readonly endpoint: FunctionUrl;

  constructor(options: TalesIngestOptions) {
    this.endpoint = new FunctionUrl(options);
  }

  /** The endpoint's URL: `<url>/events`. */
  get url(): URL {
    return new URL(this.endpoint.events);
  }

  /** Posts events as one JSON array; `time` (epoch ms, ISO-8601 or a Date) defaults to the server's clock. */
  send(events: readonly LogInput[]): Promise<IngestAnswer> {
    const body = events.map((e) => ({ ...e, ...(e.time instanceof Date ? { time: e.time.getTime() } : {}) }));
    return this.post(JSON.stringify(body), 'application/json');
  }

  /**
   * Posts a body as it is. Resolves on 202, on 207 (some events failed) and on a 400 in which no event was
   * valid (each named in `failed`); rejects with a TalesIngestError otherwise.
   */
  async post(body: string, contentType: IngestContentType): Promise<IngestAnswer> {
    const headers = { 'content-type': contentType, accept: 'application/json' };
    const { status, text } = await this.endpoint.request('POST', this.endpoint.events, headers, body);
    const answer = parseJson(text) as { accepted?: unknown; failed?: unknown } | undefined;
    if ((status === 202 || status === 207 || status === 400) && typeof answer?.accepted === 'number') {
      return { accepted: answer.accepted, failed: Array.isArray(answer.failed) ? (answer.failed as IngestFailure[]) : [] };
    }
    const { code, message } = errorFields(status, text);
    throw new TalesIngestError(status, code, message);
  }
}
