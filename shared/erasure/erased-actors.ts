import type { S3Client } from '@aws-sdk/client-s3';
import { getStoredText } from '../aws/get-text';
import type { ChunkIndex } from '../chunk/chunk-index';
import type { EventFilter } from '../compact/day-input';
import { type HiddenEvents, NOTHING_HIDDEN } from '../query/hidden';
import { decodeErasedSet } from './erased-set';
import type { ErasureKeys } from './keys';
import { headEtag } from './stored-object';

const NONE: ReadonlySet<number> = new Set();

/**
 * How long a query Lambda may answer from the erased set it last revalidated, and so how long an erase
 * waits after writing the set before it returns: a query that starts after the erase returned either
 * revalidates or uses a set whose HEAD was sent after the write (S3 reads after writes are strongly
 * consistent), so it hides the erased actor. Warm queries within this window cost no request.
 */
export const ERASED_SET_MAX_AGE_MS = 1000;

/**
 * The erased actors, kept for the life of a warm Lambda and revalidated when the last check was sent
 * `maxAgeMs` ago or more: one HEAD of `erasures/set.json` when it has not changed (the usual case), one
 * HEAD and one GET when it has. Calls in between share the last check (or the one under way).
 */
export class ErasedActors {
  private etag: string | undefined;
  private actors: ReadonlySet<number> = NONE;
  private events: HiddenEvents = NOTHING_HIDDEN;
  /** When the HEAD of the last completed check was sent. */
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: { readonly sentAt: number; readonly done: Promise<void> } | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly keys: ErasureKeys,
    private readonly maxAgeMs = ERASED_SET_MAX_AGE_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The erased actors as stored at most `maxAgeMs` ago. */
  async current(): Promise<ReadonlySet<number>> {
    const now = this.clock();
    if (now - this.checkedAt < this.maxAgeMs) return this.actors;
    if (this.checking && now - this.checking.sentAt < this.maxAgeMs) {
      await this.checking.done;
      return this.actors;
    }
    const check = { sentAt: now, done: this.revalidate(now) };
    this.checking = check;
    try {
      await check.done;
    } finally {
      if (this.checking === check) this.checking = undefined;
    }
    return this.actors;
  }

  /** The events the erased actors hide (kept while the set is unchanged, with what it learnt of chunks). */
  async hidden(): Promise<HiddenEvents> {
    await this.current();
    return this.events;
  }

  private async revalidate(sentAt: number): Promise<void> {
    const etag = await headEtag(this.s3, this.bucket, this.keys.setKey);
    const stored = etag !== undefined && etag !== this.etag ? await getStoredText(this.s3, this.bucket, this.keys.setKey) : undefined;
    // A check sent earlier than the one the set came from (a slow HEAD) must not bring back an older set.
    if (sentAt < this.checkedAt) return;
    if (etag === undefined) {
      this.etag = undefined;
      this.actors = NONE;
      this.events = NOTHING_HIDDEN;
    } else if (stored) {
      this.actors = decodeErasedSet(stored.text, this.keys.setKey);
      this.etag = stored.etag;
      this.events = erasedEvents(this.actors);
    }
    this.checkedAt = sentAt;
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

/**
 * The filter that drops every event naming an erased actor (compaction and purge apply it). Its id, which
 * enters the generation, lists `named`: the erased actors the data holds, the only ones that change its output.
 */
export function erasureFilter(erased: ReadonlySet<number>, named: Iterable<number> = erased): EventFilter {
  return { id: `erased ${[...named].sort((a, b) => a - b).join(',')}`, test: (event) => !namesErased(event.actors, erased) };
}

/** The erased actors the index names (a directory lookup each: no read), ascending. */
export function erasedIn(index: ChunkIndex, erased: ReadonlySet<number>): number[] {
  return [...erased].filter((actor) => index.postings(actor) !== undefined).sort((a, b) => a - b);
}
