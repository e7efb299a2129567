/** Delays between retries: exponential from `baseMs`, capped at `maxMs`, with full jitter. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** A number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry). Full jitter spreads retries of
 * throttled producers uniformly over the window instead of letting them collide again.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
