import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getStoredText } from '../aws/get-text';
import { putIfUnchanged } from '../aws/put-if-unchanged';
import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import type { ErasureStore } from './erase-actor';
import { ErasureConflictError } from './errors';
import { decodeErasureRecord, encodeErasureRecord } from './record';

const PENDING_VERSION = 1;
const ATTEMPTS = 10;

/** An erasure not yet purged: `erasures/pending.json` lists them, so a purge pass reads only these records. */
export interface PendingErasure {
  readonly actor: number;
  readonly id: string;
}

function pendingKey(store: ErasureStore): string {
  return `${store.keys.prefix}pending.json`;
}

export async function readPending(store: ErasureStore): Promise<PendingErasure[]> {
  const key = pendingKey(store);
  const stored = await getStoredText(store.s3, store.bucket, key);
  return stored ? decodePending(stored.text, key) : [];
}

/** Adds or removes pending erasures with conditional writes (If-Match its read ETag), retried on a race. */
export async function updatePending(store: ErasureStore, change: (pending: PendingErasure[]) => PendingErasure[]): Promise<void> {
  const key = pendingKey(store);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await getStoredText(store.s3, store.bucket, key);
    const before = stored ? decodePending(stored.text, key) : [];
    const after = change(before);
    if (after === before) return;
    const body = JSON.stringify({ version: PENDING_VERSION, erasures: after });
    if (await putIfUnchanged(store.s3, store.bucket, key, body, stored?.etag)) return;
  }
  throw new ErasureConflictError(`${key} changed under ${ATTEMPTS} attempts to update it`);
}

/**
 * Writes each pending erasure's progress into its record: the days still holding its actor's events
 * (`held`), and when none is left, `purgedAt`; purged erasures then leave the pending list.
 */
export async function settlePending(
  store: ErasureStore,
  pending: readonly PendingErasure[],
  held: ReadonlyMap<number, readonly string[]>,
  now: number,
): Promise<void> {
  const done = new Set<string>();
  for (const { actor, id } of pending) {
    const key = store.keys.recordKey(id);
    const stored = await getStoredText(store.s3, store.bucket, key);
    if (!stored) continue;
    const record = decodeErasureRecord(stored.text, key);
    const days = [...(held.get(actor) ?? [])];
    const { purgedAt: _, ...rest } = record;
    const next = days.length === 0 ? { ...rest, days, purgedAt: now } : { ...rest, days };
    await store.s3.send(
      new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: encodeErasureRecord(next), ContentType: 'application/json' }),
    );
    if (days.length === 0) done.add(id);
  }
  if (done.size > 0) await updatePending(store, (list) => list.filter((entry) => !done.has(entry.id)));
}

function decodePending(text: string, key: string): PendingErasure[] {
  return decodeStoredJson(text, key, 'pending erasures', (value) => {
    const object = jsonObject(value, 'pending erasures');
    if (object.version !== PENDING_VERSION) throw new Error(`version must be ${PENDING_VERSION}`);
    if (!Array.isArray(object.erasures)) throw new Error('erasures must be an array');
    return object.erasures.map((entry, i) => {
      const fields = jsonObject(entry, `erasure ${i}`);
      return { actor: jsonInt(fields, 'actor', `erasure ${i} `), id: jsonString(fields, 'id', `erasure ${i} `) };
    });
  });
}
