import type { TalesEvent } from '../../shared/event/types';

/** A small seeded PRNG (mulberry32), so a failing workload can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Workload {
  readonly events: TalesEvent[];
  /** Every actor that appears. */
  readonly actors: number[];
  /** The actor every event names, so one query sees them all. */
  readonly world: number;
  readonly from: number;
  readonly to: number;
}

/**
 * `count` events over the last 23 hours before `now` (so often across a UTC midnight), each naming 1..3
 * actors of a pool plus the world actor, with many exact time ties, and a unique text each so an HTTP
 * answer can be matched to its event.
 */
export function generateWorkload(seed: number, count: number, now: number): Workload {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const world = 7;
  const pool = [0, 1, 42, 12_345, 67_890, 4_294_967_295, ...Array.from({ length: 54 }, (_, i) => 1000 + i * 7919)];
  const from = now - 23 * 3_600_000;
  const to = now - 60_000;
  const tied = Array.from({ length: 200 }, () => from + Math.floor(next() * (to - from)));
  const words = ['joined', 'moved', 'attacked', 'died', 'gained XP', 'said "hi"', 'träumte', '进入了房间', 'emoji 🎲'];
  const events: TalesEvent[] = [];
  for (let i = 0; i < count; i++) {
    const actors = new Set<number>();
    const wanted = 1 + Math.floor(next() * 3);
    while (actors.size < wanted) actors.add(pick(pool));
    const list = [...actors];
    list.splice(Math.floor(next() * (list.length + 1)), 0, world);
    const time = next() < 0.3 ? pick(tied) : from + Math.floor(next() * (to - from));
    events.push({ time, actors: list, text: `event ${i}: ${pick(words)}` });
  }
  return { events, actors: pool, world, from, to };
}

/** The events a query must return, as a multiset (any order): every actor named, time within the inclusive bounds. */
export function matching(events: readonly TalesEvent[], actors: readonly number[], from: number, to: number): TalesEvent[] {
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return events.filter((e) => e.time >= lo && e.time <= hi && actors.every((a) => e.actors.includes(a)));
}
