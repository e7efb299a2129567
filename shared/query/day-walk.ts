import { dayNumber } from '../layout/day';
import { hitBound } from './chunk-matches';
import type { QueryContext } from './context';
import { type ChunkRef, daySources } from './day-sources';
import { pruneSegmentChunks } from './segment-prune';
import type { QueryStats } from './stats';
import type { MergeWindow } from './window';

interface DayLoad {
  readonly refs: Promise<ChunkRef[]>;
  /** The day's chunks, once loaded. */
  result?: ChunkRef[];
  /** The most hits the day can give, once its sources are known (infinite when a head is not cached). */
  bound?: number;
}

/**
 * The chunks of each day of the window, day by day in the query's direction. A day is loaded when the
 * merge needs it; the days after it are loaded ahead, in parallel up to the concurrency, only while it
 * is certain that the days loaded so far cannot fill the page (an empty day gives no hit; a day whose
 * chunk heads are cached gives at most what their directories say). So a sparse range, or a rare
 * actor, costs few round trips, and a page that one day fills reads no other day.
 */
export class DayWalk {
  private readonly loads: DayLoad[] = [];
  private readonly all: DayLoad[] = [];
  /** Days handed to the merge: their hits may still be coming (or already counted: an overestimate, so safe). */
  private readonly taken: DayLoad[] = [];
  private nextDay = 0;
  private readonly days: number[];

  constructor(
    private readonly ctx: QueryContext,
    private readonly window: MergeWindow,
    private readonly stats: QueryStats,
  ) {
    const first = dayNumber(window.lo);
    const last = dayNumber(window.hi);
    this.days = window.lo > window.hi ? [] : Array.from({ length: last - first + 1 }, (_, i) => (window.descending ? last - i : first + i));
  }

  /** The next day's chunks; undefined after the last day. */
  async next(): Promise<ChunkRef[] | undefined> {
    if (this.loads.length === 0) this.start();
    const load = this.loads.shift();
    if (!load) return undefined;
    this.taken.push(load);
    const refs = await load.refs;
    this.topUp();
    return refs;
  }

  /** The next day's chunks when they are already loaded (ahead of need); undefined otherwise. */
  takeReady(): ChunkRef[] | undefined {
    const load = this.loads[0];
    if (!load?.result) return undefined;
    this.loads.shift();
    this.taken.push(load);
    this.topUp();
    return load.result;
  }

  /** Waits for loads started ahead of need, so that none runs on after the query. */
  async close(): Promise<void> {
    await Promise.allSettled(this.all.map((load) => load.refs));
  }

  private start(): void {
    const day = this.days[this.nextDay];
    if (day === undefined) return;
    this.nextDay++;
    const refs = daySources(this.ctx, day, this.stats).then((all) => pruneSegmentChunks(this.ctx, all, this.window, this.stats));
    const load: DayLoad = { refs };
    load.refs.then(
      (refs) => {
        load.result = refs;
        load.bound = refs.reduce((sum, ref) => sum + this.refBound(ref), 0);
        this.topUp();
      },
      () => undefined,
    );
    this.loads.push(load);
    this.all.push(load);
  }

  private refBound(ref: ChunkRef): number {
    const { record } = ref;
    if (record.maxTime < this.window.lo || record.minTime > this.window.hi) return 0;
    return hitBound(this.ctx, ref, this.window.actors);
  }

  private topUp(): void {
    while (this.loads.length < this.ctx.concurrency && this.nextDay < this.days.length) {
      let bound = 0;
      for (const load of [...this.taken, ...this.loads]) {
        if (load.bound === undefined) return;
        bound += load.bound;
      }
      if (bound >= this.window.wanted()) return;
      this.start();
    }
  }
}
