export type QueryErrorCode =
  | 'parameter_unknown'
  | 'actors_missing'
  | 'actors_too_many'
  | 'actor_invalid'
  | 'actor_duplicate'
  | 'time_invalid'
  | 'span_too_large'
  | 'limit_invalid'
  | 'cursor_invalid'
  | 'cursor_mismatch'
  | 'contains_invalid'
  | 'buckets_invalid';

/** A query the caller got wrong; `message` says what and how to fix it (an HTTP 400). */
export class QueryInputError extends Error {
  override readonly name = 'QueryInputError';
  constructor(
    readonly code: QueryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A stored object that could not be read (S3 fault, missing object); names the key for the log. */
export class StoreReadError extends Error {
  override readonly name = 'StoreReadError';
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(`reading ${key} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
