export type ErasureErrorCode = 'actor_invalid' | 'erasure_forbidden';

/** An erasure request the caller got wrong or may not make (an HTTP 400 or 403). */
export class ErasureInputError extends Error {
  override readonly name = 'ErasureInputError';
  constructor(
    readonly code: ErasureErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** No erasure has this id (an HTTP 404). */
export class ErasureNotFoundError extends Error {
  override readonly name = 'ErasureNotFoundError';
  constructor(readonly id: string) {
    super(`no erasure with id "${id.length > 40 ? `${id.slice(0, 40)}…` : id}"`);
  }
}

/** The erased set changed under a conditional write more often than the retries allow. */
export class ErasureConflictError extends Error {
  override readonly name = 'ErasureConflictError';
}
