import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { getStoredText } from '../aws/get-text';
import { putIfUnchanged } from '../aws/put-if-unchanged';
import { ERASED_SET_MAX_AGE_MS } from './erased-actors';
import { decodeErasedSet, encodeErasedSet } from './erased-set';
import { ErasureConflictError } from './errors';
import type { ErasureKeys } from './keys';
import { updatePending } from './pending';
import { decodeActorPointer, decodeErasureRecord, type ErasureRecord, encodeActorPointer, encodeErasureRecord } from './record';

export interface ErasureStore {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly keys: ErasureKeys;
  /**
   * How long an erase waits after the erased set holds the actor before it returns: the query Lambdas'
   * ErasedActors maxAgeMs, so that no query starting later answers from an older set. @default ERASED_SET_MAX_AGE_MS
   */
  readonly settleMs?: number;
}

export interface EraseRequest {
  readonly actor: number;
  readonly principal: string;
  readonly now: number;
}

/** Conditional writes of the erased set retried before giving up (each loses only to another erasure). */
const SET_ATTEMPTS = 10;

/**
 * Records the erasure of `actor` and adds it to the erased set, so that every query started after
 * this returns hides its events. Idempotent and safe to retry after a crash at any call: the actor's
 * pointer (written once, If-None-Match) fixes the erasure id, the record is written if missing, the
 * erasure joins the pending list (what purge passes settle), and the set is updated only if it lacks
 * the actor (both If-Match, so concurrent erasures never lose one). It returns once every query
 * Lambda's cached set is at most as old as the write (see ERASED_SET_MAX_AGE_MS).
 */
export async function eraseActor(store: ErasureStore, request: EraseRequest): Promise<ErasureRecord> {
  const id = await erasureIdOf(store, request.actor);
  const record = await ensureRecord(store, id, request);
  if (record.purgedAt === undefined) {
    await updatePending(store, (pending) =>
      pending.some((entry) => entry.id === id) ? pending : [...pending, { actor: request.actor, id }],
    );
  }
  await ensureErased(store, request.actor);
  await sleep(store.settleMs ?? ERASED_SET_MAX_AGE_MS);
  return record;
}

async function erasureIdOf({ s3, bucket, keys }: ErasureStore, actor: number): Promise<string> {
  const key = keys.actorKey(actor);
  for (let attempt = 0; attempt < 2; attempt++) {
    const stored = await getStoredText(s3, bucket, key);
    if (stored) return decodeActorPointer(stored.text, key);
    const id = randomUUID().replaceAll('-', '');
    if (await putIfUnchanged(s3, bucket, key, encodeActorPointer(id), undefined)) return id;
  }
  throw new ErasureConflictError(`the erasure pointer ${key} could not be read or written`);
}

async function ensureRecord({ s3, bucket, keys }: ErasureStore, id: string, request: EraseRequest): Promise<ErasureRecord> {
  const key = keys.recordKey(id);
  const stored = await getStoredText(s3, bucket, key);
  if (stored) return decodeErasureRecord(stored.text, key);
  const record: ErasureRecord = { id, actor: request.actor, requestedAt: request.now, principal: request.principal };
  if (await putIfUnchanged(s3, bucket, key, encodeErasureRecord(record), undefined)) return record;
  const winner = await getStoredText(s3, bucket, key);
  if (!winner) throw new ErasureConflictError(`the erasure record ${key} could not be read or written`);
  return decodeErasureRecord(winner.text, key);
}

async function ensureErased({ s3, bucket, keys }: ErasureStore, actor: number): Promise<void> {
  for (let attempt = 0; attempt < SET_ATTEMPTS; attempt++) {
    const stored = await getStoredText(s3, bucket, keys.setKey);
    const actors = stored ? decodeErasedSet(stored.text, keys.setKey) : new Set<number>();
    if (actors.has(actor)) return;
    if (await putIfUnchanged(s3, bucket, keys.setKey, encodeErasedSet([...actors, actor]), stored?.etag)) return;
  }
  throw new ErasureConflictError(`the erased set ${keys.setKey} changed under ${SET_ATTEMPTS} attempts to add actor ${actor}`);
}

/** The erasure with this id, or undefined. */
export async function readErasure({ s3, bucket, keys }: ErasureStore, id: string): Promise<ErasureRecord | undefined> {
  const key = keys.recordKey(id);
  const stored = await getStoredText(s3, bucket, key);
  return stored ? decodeErasureRecord(stored.text, key) : undefined;
}
