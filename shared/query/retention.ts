import { DAY_MS, dayNumber } from '../layout/day';

/**
 * The earliest time a query serves when the bucket expires objects `retentionDays` after they are
 * written. S3 expires an object at the first midnight (UTC) after its creation time plus the days, and
 * deletes it some time after, in no set order; a day's objects are written from its start on (or
 * minutes before, within the future skew), so none of a day can expire before its start plus the
 * days. The horizon is the start of the oldest day that is still whole: the day `retentionDays` - 1
 * days before today.
 */
export function retentionHorizon(now: number, retentionDays: number): number {
  return (dayNumber(now) - retentionDays + 1) * DAY_MS;
}
