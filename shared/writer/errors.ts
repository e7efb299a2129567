/** A batch that breaks the event source's contract: records from several shards, out of order, or a malformed event id. */
export class BatchShapeError extends Error {
  override readonly name = 'BatchShapeError';
}
