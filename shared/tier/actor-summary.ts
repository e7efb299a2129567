import { withKey } from '../codec/errors';
import { OrdinalSet } from '../codec/ordinal-set';
import { serializeOrdinals } from '../codec/roaring';
import { checkPortableBitmap } from '../codec/roaring-portable';

/**
 * Which actors a day names at all: a portable roaring bitmap of actor ids, base64 in the day's
 * sealed tier manifest. A query over many days reads it with the manifest it needs anyway and skips a
 * day in which a queried actor is absent without opening any of its segments.
 */
export function encodeActorSummary(actors: Iterable<number>): string {
  return Buffer.from(serializeOrdinals(Uint32Array.from(new Set(actors)).sort())).toString('base64');
}

/** The summary's actors; a summary that is not a valid bitmap is a CorruptError naming `key`. */
export function decodeActorSummary(text: string, key: string): OrdinalSet {
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  return withKey(key, () => {
    checkPortableBitmap(bytes);
    return OrdinalSet.ofBitmap(bytes);
  });
}

/** Whether every actor of `actors` is in the summary. */
export function namesAll(summary: OrdinalSet, actors: readonly number[]): boolean {
  return actors.every((actor) => summary.count(actor, actor + 1) === 1);
}
