/** Compaction cannot proceed (a source is missing, changed, or does not match its manifest); nothing was committed. */
export class CompactionError extends Error {
  override readonly name = 'CompactionError';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(`${key}: ${message}`);
  }
}
