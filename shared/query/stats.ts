import type { ReadCounter } from '../aws/s3-source';

/** What one query cost in S3 requests and bytes, by kind: the figures that must stay proportional to matches. */
export class QueryStats implements ReadCounter {
  /** All S3 requests (lists and GETs) and the bytes of every GET body. */
  requests = 0;
  bytes = 0;
  lists = 0;
  /** GETs of compacted-day metadata: one per day read (beside a closed day's late-chunks marker, or an open day's list of writers). */
  compactMetas = 0;
  /** Days whose sources came from the context's cache: no list, no manifest or metadata read. */
  dayCacheHits = 0;
  /** GETs of tier manifests (the day's merged segments): one per day not taken from its compacted form alone. */
  tierManifests = 0;
  /** GETs of a closed day's late-chunks marker (a miss, usually): one per closed day, beside its metadata. */
  lateMarkers = 0;
  manifests = 0;
  heads = 0;
  headCacheHits = 0;
  bitmaps = 0;
  bitmapCacheHits = 0;
  blocks = 0;
  blockBytes = 0;
  chunksOpened = 0;
  /** Sealed days skipped by their actor summary: a queried actor is absent, no head opened. */
  daysSkipped = 0;

  constructor(private readonly counter?: ReadCounter) {}

  countList(): void {
    this.lists++;
    this.add(0);
  }

  countGet(kind: 'compactMeta' | 'tierManifest' | 'lateMarker' | 'manifest' | 'head' | 'bitmap' | 'block', bytes: number): void {
    if (kind === 'compactMeta') this.compactMetas++;
    else if (kind === 'tierManifest') this.tierManifests++;
    else if (kind === 'lateMarker') this.lateMarkers++;
    else if (kind === 'manifest') this.manifests++;
    else if (kind === 'head') this.heads++;
    else if (kind === 'bitmap') this.bitmaps++;
    else {
      this.blocks++;
      this.blockBytes += bytes;
    }
    this.add(bytes);
  }

  /** The counts without the counter this query also reports to. */
  toJSON() {
    const { counter: _, ...counts } = this;
    return counts;
  }

  private add(bytes: number): void {
    this.requests++;
    this.bytes += bytes;
    if (this.counter) {
      this.counter.requests++;
      this.counter.bytes += bytes;
    }
  }
}
