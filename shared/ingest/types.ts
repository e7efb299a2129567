/** Settings of the ingest endpoint (read from the environment by the Lambda). */
export interface IngestSettings {
  readonly streamName: string;
  /** How far before server time a given `time` may be. */
  readonly skewPastMs: number;
  /** How far after server time a given `time` may be. */
  readonly skewFutureMs: number;
  /** Largest request body, in bytes after base64 decoding. */
  readonly maxBodyBytes: number;
  /** Most events one request may carry. */
  readonly maxEvents: number;
}

/** The parts of a Function URL request the ingest logic reads. */
export interface IngestRequest {
  readonly body?: string;
  readonly isBase64Encoded: boolean;
  readonly contentType?: string;
}

/** One event of a request that is not in the stream, by its 0-based position in the request. */
export interface IngestFailure {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

export interface IngestResult {
  /** Events of the request that passed validation: those in the stream and those Kinesis did not take. */
  readonly valid: number;
  /** Events now in the stream. */
  readonly accepted: number;
  /** Events that are not, ascending by index. */
  readonly failed: readonly IngestFailure[];
}
