import { DAY_MS, dayNumber } from '../layout/day';
import type { QueryContext } from './context';
import type { ChunkRef } from './day-sources';
import { DayWalk } from './day-walk';
import type { Position } from './order';
import type { QueryStats } from './stats';
import type { MergeWindow } from './window';

/** Any writer id will do in a day boundary: the days it closes gave every hit they hold (see doneUntil). */
const BOUNDARY_WRITER = '-';

/**
 * A DayWalk that hands out no further day once `expired()` says the invocation's time is up, after at
 * least one new day (so that every page moves the query on). The merge asks for a day only once it has
 * produced every hit of the days before it, so when the walk stops those days are done. A page that
 * resumes from such a stop starts in the last millisecond of the last day done, which is no progress.
 */
export class BoundedDayWalk extends DayWalk {
  private readonly walkFirstDay: number;
  private readonly walkDayCount: number;
  /** Days to take before stopping: 2 when the first is only the last millisecond of a day done on an earlier page. */
  private readonly walkMinDays: number;
  private daysTaken = 0;
  private stoppedEarly = false;

  constructor(
    ctx: QueryContext,
    private readonly walkWindow: MergeWindow,
    stats: QueryStats,
    private readonly walkExpired: () => boolean,
  ) {
    super(ctx, walkWindow, stats);
    this.walkFirstDay = dayNumber(walkWindow.descending ? walkWindow.hi : walkWindow.lo);
    this.walkDayCount = walkWindow.lo > walkWindow.hi ? 0 : dayNumber(walkWindow.hi) - dayNumber(walkWindow.lo) + 1;
    const remnant = walkWindow.descending
      ? walkWindow.hi === this.walkFirstDay * DAY_MS
      : walkWindow.lo === (this.walkFirstDay + 1) * DAY_MS - 1;
    this.walkMinDays = remnant ? 2 : 1;
  }

  override async next(): Promise<ChunkRef[] | undefined> {
    if (this.daysTaken >= this.walkMinDays && this.daysTaken < this.walkDayCount && this.walkExpired()) {
      this.stoppedEarly = true;
      return undefined;
    }
    const refs = await super.next();
    if (refs) this.daysTaken++;
    return refs;
  }

  override takeReady(): ChunkRef[] | undefined {
    const refs = super.takeReady();
    if (refs) this.daysTaken++;
    return refs;
  }

  /**
   * Once the walk has stopped early: a position in the last day done, after (in the query's order) every
   * hit the days done hold, since the merge has produced them all; undefined while the walk runs on.
   */
  doneUntil(): Position | undefined {
    if (!this.stoppedEarly) return undefined;
    const time = this.walkWindow.descending
      ? (this.walkFirstDay - this.daysTaken + 1) * DAY_MS
      : (this.walkFirstDay + this.daysTaken) * DAY_MS - 1;
    return { time, writer: BOUNDARY_WRITER, seq: 0, ordinal: 0 };
  }
}
