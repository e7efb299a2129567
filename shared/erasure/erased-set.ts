import { getStoredText } from '../aws/get-text';
import { decodeStoredJson, jsonObject } from '../codec/json-fields';
import { MAX_ACTOR_ID } from '../event/limits';
import type { ErasureStore } from './erase-actor';

const SET_VERSION = 1;

/** `erasures/set.json`: every erased actor, ascending. One small object that a query revalidates by ETag. */
export function encodeErasedSet(actors: Iterable<number>): string {
  return JSON.stringify({ version: SET_VERSION, actors: [...new Set(actors)].sort((a, b) => a - b) });
}

/** The erased actors of a stored set; a malformed object is a CorruptError naming `key`. */
export function decodeErasedSet(text: string, key: string): ReadonlySet<number> {
  return decodeStoredJson(text, key, 'erased set', (value) => {
    const object = jsonObject(value, 'erased set');
    if (object.version !== SET_VERSION) throw new Error(`version must be ${SET_VERSION}`);
    const { actors } = object;
    if (!Array.isArray(actors)) throw new Error('actors must be an array');
    for (const actor of actors) {
      if (!Number.isInteger(actor) || actor < 0 || actor > MAX_ACTOR_ID) throw new Error(`actor ${JSON.stringify(actor)} is not a uint32`);
    }
    return new Set(actors as number[]);
  });
}

/** Every erased actor, as stored now (none when nothing was ever erased). */
export async function readErasedSet(store: ErasureStore): Promise<ReadonlySet<number>> {
  const stored = await getStoredText(store.s3, store.bucket, store.keys.setKey);
  return stored ? decodeErasedSet(stored.text, store.keys.setKey) : new Set();
}
