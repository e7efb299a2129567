import { dayNumber } from '../layout/day';
import { namesAll } from '../tier/actor-summary';
import { mapLimit } from '../util/map-limit';
import { chunkHead, chunkMatches, headKey, hitBound, knownMatches } from './chunk-matches';
import type { QueryContext } from './context';
import { type ChunkRef, daySources } from './day-sources';
import { readBlocksAhead } from './merge';
import { pruneSegmentChunks } from './segment-prune';
import type { QueryStats } from './stats';
import { type MergeWindow, overlaps } from './window';

interface DayLoad {
  readonly refs: Promise<ChunkRef[]>;
  /** The day's chunks, once loaded. */
  result?: ChunkRef[];
  /**
   * The most hits the day can give, once its sources are known (infinite when a head is not cached); or,
   * when that reaches what the page wanted then, the sum so far: the page only ever wants fewer, so the
   * comparisons made with it come out the same.
   */
  bound?: number;
  /** Whether its blocks were read ahead (see readAheadSure). */
  blocksRead?: true;
}

/**
 * The chunks of each day of the window, day by day in the query's direction. A day is loaded when the
 * merge needs it. Once a first day is loaded and the days loaded can give fewer hits than the page
 * wants (an empty day gives none; a day whose chunk heads are cached gives at most what their
 * directories say), the days after it are loaded ahead, up to `lookaheadDays` (and the concurrency)
 * at once, though their own bounds are not known yet. So a sparse range, or a rare actor, costs a few
 * round trips however many days it spans, and a page that its first day fills reads no other day.
 */
export class DayWalk {
  private readonly loads: DayLoad[] = [];
  private readonly all: DayLoad[] = [];
  /** Days handed to the merge: their hits may still be coming (or already counted: an overestimate, so safe). */
  private readonly taken: DayLoad[] = [];
  private nextDay = 0;
  private readonly days: number[];
  /** Segment heads opened while their days' writer manifests were being read (see openSegments), and blocks read ahead (see readAhead). */
  private readonly opening: Promise<unknown>[] = [];

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
    this.topUp();
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
    await Promise.allSettled([...this.all.map((load) => load.refs), ...this.opening]);
  }

  private start(): void {
    const day = this.days[this.nextDay];
    if (day === undefined) return;
    this.nextDay++;
    const refs = daySources(this.ctx, day, this.stats, (segments) => this.openSegments(segments)).then((all) =>
      pruneSegmentChunks(this.ctx, all, this.window, this.stats),
    );
    const load: DayLoad = { refs };
    load.refs.then(
      (refs) => {
        load.result = refs;
        load.bound = this.dayBound(refs);
        this.readAheadSure();
        this.topUp();
      },
      () => undefined,
    );
    this.loads.push(load);
    this.all.push(load);
  }

  /**
   * Opens the heads of a day's segments that pruning will open (in the window, on a day its actor summary
   * does not rule out) as soon as its tier manifest is read, beside its writers' manifests rather than
   * after them. Pruning then finds them cached, or shares the reads under way; a read that fails here is
   * made again there, which reports its error.
   */
  private openSegments(refs: readonly ChunkRef[]): void {
    const bySegment = new Map<string, ChunkRef>();
    for (const ref of refs) {
      const dayActors = ref.segment?.dayActors;
      if (!overlaps(ref.record, this.window) || (dayActors && !namesAll(dayActors, this.window.actors))) continue;
      if (!bySegment.has(ref.key) && !this.ctx.heads.get(headKey(ref))) bySegment.set(ref.key, ref);
    }
    const opening = mapLimit([...bySegment.values()], this.ctx.concurrency, (ref) => chunkHead(this.ctx, ref, this.stats));
    opening.catch(() => undefined);
    this.opening.push(opening);
  }

  /**
   * The days whose every hit the page will take (with the days before them, known to give fewer hits
   * than the page wants): the blocks of their chunks whose matches are known already (a compacted day's
   * or a segment's AND result, read while loading the day) are read and decoded now, beside the days
   * still loading, rather than once the merge reaches them (see readBlocksAhead). Only when the context
   * keeps blocks, since the merge finds them there.
   */
  private readAheadSure(): void {
    if (this.ctx.decoded.maxBytes === 0 || this.ctx.cache.maxBytes === 0) return;
    let before = 0;
    for (const load of this.all) {
      if (load.bound === undefined || load.result === undefined) return;
      before += load.bound;
      if (before >= this.window.wanted()) return;
      if (!load.blocksRead) this.readAhead(load.result);
      load.blocksRead = true;
    }
  }

  private readAhead(refs: readonly ChunkRef[]): void {
    const { actors } = this.window;
    const known = refs.filter((ref) => overlaps(ref.record, this.window) && knownMatches(this.ctx, ref, actors));
    const reading = mapLimit(known, this.ctx.concurrency, async (ref) => {
      const matches = await chunkMatches(this.ctx, ref, actors, this.stats);
      if (matches.ordinals.size > 0) await readBlocksAhead(this.ctx, matches, this.window);
    });
    reading.catch(() => undefined);
    this.opening.push(reading);
  }

  /** The day's bound (see DayLoad.bound), summed chunk by chunk only until the page would be full: today's 1,000 chunks of a busy actor stop at the first few. */
  private dayBound(refs: readonly ChunkRef[]): number {
    const wanted = this.window.wanted();
    let bound = 0;
    for (const ref of refs) {
      bound += this.refBound(ref);
      if (bound >= wanted) break;
    }
    return bound;
  }

  private refBound(ref: ChunkRef): number {
    const { record } = ref;
    if (!overlaps(record, this.window)) return 0;
    return hitBound(this.ctx, ref, this.window.actors);
  }

  private topUp(): void {
    while (this.loads.length < this.ctx.concurrency && this.nextDay < this.days.length) {
      let bound = 0;
      let loading = 0;
      for (const load of [...this.taken, ...this.loads]) {
        if (load.bound === undefined) loading++;
        else bound += load.bound;
      }
      // Nothing is read ahead before a first day is known not to fill the page: a page that one day fills reads no other.
      const known = this.taken.length + this.loads.length - loading;
      if (bound >= this.window.wanted() || known === 0 || loading >= this.ctx.lookaheadDays) return;
      this.start();
    }
  }
}
