import type { TalesEvent } from '../event/types';

/**
 * How long follow keeps re-reading behind the newest time it has read: events can become visible
 * after newer ones (each shard's batches land on their own schedule, after the batching window), and
 * any that show up within this long are still caught.
 */
export const FOLLOW_SETTLE_MS = 120_000;
export const FOLLOW_MIN_INTERVAL_MS = 1000;
export const FOLLOW_MAX_INTERVAL_MS = 30_000;

/** The wait before the next poll: the minimum after a poll that found events, doubling up to the maximum while idle. */
export class FollowBackoff {
  private interval: number;

  constructor(
    private readonly minMs = FOLLOW_MIN_INTERVAL_MS,
    private readonly maxMs = FOLLOW_MAX_INTERVAL_MS,
  ) {
    if (!(minMs > 0 && maxMs >= minMs)) throw new RangeError(`follow intervals must satisfy 0 < min <= max (given ${minMs}, ${maxMs})`);
    this.interval = minMs / 2;
  }

  next(found: boolean): number {
    this.interval = found ? this.minMs : Math.min(this.maxMs, this.interval * 2);
    return this.interval;
  }
}

/**
 * The events already handed out while polling overlapping windows: each poll reads a window
 * [start, now] whole, and an event is new when its (time, actors, text) occurs more often in the
 * poll than among those seen, so identical events are neither merged nor repeated.
 */
export class SeenEvents {
  private readonly counts = new Map<string, { time: number; count: number }>();

  /** The events of a poll of [start, …] not handed out before, in the poll's order; remembers them, and forgets those before `start`. */
  fresh(events: readonly TalesEvent[], start: number): TalesEvent[] {
    for (const [key, seen] of this.counts) if (seen.time < start) this.counts.delete(key);
    const inPoll = new Map<string, number>();
    const fresh: TalesEvent[] = [];
    for (const event of events) {
      const key = JSON.stringify([event.time, event.actors, event.text]);
      const occurrence = (inPoll.get(key) ?? 0) + 1;
      inPoll.set(key, occurrence);
      const seen = this.counts.get(key);
      if (occurrence > (seen?.count ?? 0)) {
        fresh.push(event);
        this.counts.set(key, { time: event.time, count: occurrence });
      }
    }
    return fresh;
  }
}
