/** Base of every error the client throws. */
export class TalesClientError extends Error {
  override readonly name: string = 'TalesClientError';
}

/** `log` after `close`. */
export class ProducerClosedError extends TalesClientError {
  override readonly name = 'ProducerClosedError';
  constructor() {
    super('the producer is closed');
  }
}

/** Some records covered by a `flush` or `close` could not be written; each was reported in a `failed` event. */
export class ProducerFlushError extends TalesClientError {
  override readonly name = 'ProducerFlushError';
  constructor(readonly failed: number) {
    super(`${failed} record${failed === 1 ? '' : 's'} could not be written to the stream (see the producer's 'failed' events)`);
  }
}

/** A query answered with an error: the HTTP status and the server's `{"error":{"code","message"}}`. */
export class TalesQueryError extends TalesClientError {
  override readonly name = 'TalesQueryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The ingest endpoint answered with an error: the HTTP status and the server's `{"error":{"code","message"}}`. */
export class TalesIngestError extends TalesClientError {
  override readonly name = 'TalesIngestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No AWS credentials to sign with. */
export class TalesCredentialsError extends TalesClientError {
  override readonly name = 'TalesCredentialsError';
  constructor() {
    super(
      'no AWS credentials to sign the request with: set AWS_PROFILE (and run aws sso login for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
}

/** A request the signer will not sign: credentials would go over plain HTTP, or to a host not known to be AWS. */
export class SigningRefusedError extends TalesClientError {
  override readonly name = 'SigningRefusedError';
}
