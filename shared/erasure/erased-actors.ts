import type { S3Client } from '@aws-sdk/client-s3';
import type { ChunkIndex } from '../chunk/chunk-index';
import { type HiddenEvents, NOTHING_HIDDEN } from '../query/hidden';
import { decodeErasedSet } from './erased-set';
import type { ErasureKeys } from './keys';
import { headEtag, readVersioned } from './stored-object';

const NONE: ReadonlySet<number> = new Set();

/**
 * The erased actors, kept for the life of a warm Lambda and revalidated on every call: one HEAD of
 * `erasures/set.json` when it has not changed (the usual case), one HEAD and one GET when it has. So
 * an erasure hides its events from every query that starts after it returns, on every Lambda.
 */
export class ErasedActors {
  private etag: string | undefined;
  private actors: ReadonlySet<number> = NONE;
  private events: HiddenEvents = NOTHING_HIDDEN;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly keys: ErasureKeys,
  ) {}

  /** The erased actors as stored now. */
  async current(): Promise<ReadonlySet<number>> {
    const etag = await headEtag(this.s3, this.bucket, this.keys.setKey);
    if (etag === undefined) {
      this.etag = undefined;
      this.actors = NONE;
      this.events = NOTHING_HIDDEN;
    } else if (etag !== this.etag) {
      const stored = await readVersioned(this.s3, this.bucket, this.keys.setKey);
      this.actors = stored ? decodeErasedSet(stored.text, this.keys.setKey) : NONE;
      this.etag = stored?.etag;
      this.events = erasedEvents(this.actors);
    }
    return this.actors;
  }

  /** The events the erased actors as stored now hide (kept while the set is unchanged, with what it learnt of chunks). */
  async hidden(): Promise<HiddenEvents> {
    await this.current();
    return this.events;
  }
}

/** Every event naming an erased actor, hidden; which chunks name one is remembered per chunk index. */
export function erasedEvents(erased: ReadonlySet<number>): HiddenEvents {
  if (erased.size === 0) return NOTHING_HIDDEN;
  const touched = new WeakMap<ChunkIndex, boolean>();
  return {
    hides: (actors) => namesErased(actors, erased),
    touches(index) {
      let found = touched.get(index);
      if (found === undefined) {
        found = erasedIn(index, erased).length > 0;
        touched.set(index, found);
      }
      return found;
    },
  };
}

/** Whether the event names an erased actor (and so is hidden, and dropped by a purge). */
export function namesErased(actors: readonly number[], erased: ReadonlySet<number>): boolean {
  if (erased.size === 0) return false;
  for (const actor of actors) if (erased.has(actor)) return true;
  return false;
}

/** The erased actors the index names (a directory lookup each: no read), ascending. */
export function erasedIn(index: ChunkIndex, erased: ReadonlySet<number>): number[] {
  return [...erased].filter((actor) => index.postings(actor) !== undefined).sort((a, b) => a - b);
}
