import type { S3Client } from '@aws-sdk/client-s3';
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
    } else if (etag !== this.etag) {
      const stored = await readVersioned(this.s3, this.bucket, this.keys.setKey);
      this.actors = stored ? decodeErasedSet(stored.text, this.keys.setKey) : NONE;
      this.etag = stored?.etag;
    }
    return this.actors;
  }
}

/** Whether the event names an erased actor (and so is hidden, and dropped by a purge). */
export function namesErased(actors: readonly number[], erased: ReadonlySet<number>): boolean {
  if (erased.size === 0) return false;
  for (const actor of actors) if (erased.has(actor)) return true;
  return false;
}
