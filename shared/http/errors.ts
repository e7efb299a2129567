/** An error with an HTTP status; only statuses below 500 show their message to callers. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** Whether the message may reach the caller (4xx: the caller's doing; 5xx: internal). */
  get expose(): boolean {
    return this.status < 500;
  }
}
