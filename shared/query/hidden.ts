import type { ChunkIndex } from '../chunk/chunk-index';

/** Events no query returns or counts (an erased actor's), whatever the chunks still hold. */
export interface HiddenEvents {
  /** Whether an event naming these actors is hidden. */
  hides(actors: readonly number[]): boolean;
  /** Whether a chunk's index names a hidden actor, so that its counts cannot come from the index alone. */
  touches(index: ChunkIndex): boolean;
}

/** Nothing hidden. */
export const NOTHING_HIDDEN: HiddenEvents = { hides: () => false, touches: () => false };

/**
 * `hidden` made safe to await late: a pass starts its reads at once and waits for the hidden events
 * only at its first hit (or its end), so a rejection before then must not count as unhandled.
 */
export function awaitedLater(hidden: Promise<HiddenEvents> | undefined): Promise<HiddenEvents> {
  const pending = hidden ?? Promise.resolve(NOTHING_HIDDEN);
  pending.catch(() => {});
  return pending;
}
