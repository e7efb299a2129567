/** A batch that breaks the event source's contract: records from several shards, out of order, or a malformed event id. */
export class BatchShapeError extends Error {
  override readonly name = 'BatchShapeError';
}

/**
 * A conditional write found the object changed by someone else: a second author on the writer-day
 * (a parallelization factor above 1, or a replay beside the consumer). The batch is retried from the
 * first record not durable and the failure is logged and counted; it is never taken as success.
 */
export class WriterConflictError extends Error {
  override readonly name = 'WriterConflictError';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(`${key}: ${message}`);
  }
}
