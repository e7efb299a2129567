import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FollowBackoff, SeenEvents } from '../../../shared/client/follow-window';
import type { TalesEvent } from '../../../shared/event/types';

const at = (time: number, text = `t${time}`) => ({ time, actors: [1], text });

describe('FollowBackoff', () => {
  it('waits the minimum after a poll that found events, doubling to the maximum while idle', () => {
    const backoff = new FollowBackoff(1000, 30_000);
    expect([false, false, false, false, false, false, false].map((found) => backoff.next(found))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoff.next(true)).toBe(1000);
    expect(backoff.next(false)).toBe(2000);
  });

  it('refuses intervals that are not 0 < min <= max', () => {
    expect(() => new FollowBackoff(0, 10)).toThrow('follow intervals must satisfy 0 < min <= max (given 0, 10)');
    expect(() => new FollowBackoff(10, 5)).toThrow('follow intervals must satisfy 0 < min <= max (given 10, 5)');
  });
});

describe('SeenEvents', () => {
  it('hands out each event once across overlapping polls, late ones included, and keeps identical events apart', () => {
    const seen = new SeenEvents();
    expect(seen.fresh([at(1), at(2), at(2, 'same'), at(2, 'same')], 0)).toEqual([at(1), at(2), at(2, 'same'), at(2, 'same')]);
    // The next window starts at 2: event 1 is forgotten; a third "same" and a late event at 2 are new.
    expect(seen.fresh([at(2), at(2, 'late'), at(2, 'same'), at(2, 'same'), at(2, 'same'), at(3)], 2)).toEqual([
      at(2, 'late'),
      at(2, 'same'),
      at(3),
    ]);
    expect(seen.fresh([at(2), at(2, 'late'), at(2, 'same'), at(2, 'same'), at(2, 'same'), at(3)], 2)).toEqual([]);
  });

  it('over any split of a growing log into overlapping polls, hands out each event a poll shows exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 20 }), text: fc.constantFrom('a', 'b') }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
        (log, cuts) => {
          const events = log.map(({ time, text }) => at(time, text));
          const seen = new SeenEvents();
          const out: TalesEvent[] = [];
          const key = (e: TalesEvent) => `${e.time} ${e.text}`;
          // Each event once: as many of a kind as the poll that showed the most of them.
          const shown = new Map<string, number>();
          let start = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), events.length]) {
            // What is visible at this poll: a prefix of the log, read from `start` on, in time order.
            const visible = events
              .slice(0, cut)
              .filter((e) => e.time >= start)
              .sort((a, b) => a.time - b.time);
            out.push(...seen.fresh(visible, start));
            const inPoll = new Map<string, number>();
            for (const e of visible) inPoll.set(key(e), (inPoll.get(key(e)) ?? 0) + 1);
            for (const [k, n] of inPoll) shown.set(k, Math.max(n, shown.get(k) ?? 0));
            start = Math.max(start, ...visible.map((e) => e.time));
          }
          expect(out.map(key).sort()).toEqual([...shown].flatMap(([k, n]) => Array.from({ length: n }, () => k)).sort());
        },
      ),
    );
  });
});
