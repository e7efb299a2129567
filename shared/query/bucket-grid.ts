/**
 * `buckets` equal spans over lo..hi (inclusive, epoch ms), each `width` ms: bucket i covers
 * lo + i·width .. lo + (i+1)·width − 1, the last one clipped at hi (so it may be shorter, or, when the
 * range has fewer milliseconds than buckets, the last ones may lie wholly past hi and stay empty).
 */
export class BucketGrid {
  readonly width: number;
  readonly counts: number[];

  constructor(
    readonly lo: number,
    readonly hi: number,
    buckets: number,
  ) {
    this.width = Math.ceil((hi - lo + 1) / buckets);
    this.counts = new Array<number>(buckets).fill(0);
  }

  /** The bucket of a time within lo..hi. */
  bucketOf(time: number): number {
    return Math.floor((time - this.lo) / this.width);
  }

  add(bucket: number, count: number): void {
    this.counts[bucket] = (this.counts[bucket] as number) + count;
  }
}
