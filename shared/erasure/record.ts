import { decodeStoredJson, jsonInt, jsonObject, jsonString } from '../codec/json-fields';
import { MAX_ACTOR_ID } from '../event/limits';

const RECORD_VERSION = 1;

export type ErasureStatus = 'hidden' | 'purging' | 'purged';

/**
 * The audit record of one erasure, `erasures/records/<id>.json`. It keeps who asked and when, and the
 * purge's progress; never any of the erased events.
 */
export interface ErasureRecord {
  readonly id: string;
  readonly actor: number;
  /** Epoch ms of the request. */
  readonly requestedAt: number;
  /** The IAM principal (ARN) that asked. */
  readonly principal: string;
  /** UTC days (YYYY-MM-DD) still holding the actor's events, as the last purge pass found; unset before the first. */
  readonly days?: readonly string[];
  /** Epoch ms of the purge pass that found no day left. */
  readonly purgedAt?: number;
}

export function statusOf(record: ErasureRecord): ErasureStatus {
  if (record.purgedAt !== undefined) return 'purged';
  return record.days === undefined ? 'hidden' : 'purging';
}

export function encodeErasureRecord(record: ErasureRecord): string {
  return JSON.stringify({ version: RECORD_VERSION, ...record });
}

export function decodeErasureRecord(text: string, key: string): ErasureRecord {
  return decodeStoredJson(text, key, 'erasure record', (value) => {
    const object = jsonObject(value, 'erasure record');
    if (object.version !== RECORD_VERSION) throw new Error(`version must be ${RECORD_VERSION}`);
    const actor = jsonInt(object, 'actor');
    if (actor > MAX_ACTOR_ID) throw new Error('actor must be a uint32');
    const record: ErasureRecord = {
      id: jsonString(object, 'id'),
      actor,
      requestedAt: jsonInt(object, 'requestedAt'),
      principal: jsonString(object, 'principal'),
    };
    const { days } = object;
    if (days !== undefined && !(Array.isArray(days) && days.every((day) => typeof day === 'string'))) {
      throw new Error('days must be an array of day names');
    }
    return {
      ...record,
      ...(days !== undefined ? { days: days as string[] } : {}),
      ...(object.purgedAt !== undefined ? { purgedAt: jsonInt(object, 'purgedAt') } : {}),
    };
  });
}

/** `erasures/actors/<actor>.json`: the actor's erasure id, written once, which makes a repeated request idempotent. */
export function encodeActorPointer(id: string): string {
  return JSON.stringify({ version: RECORD_VERSION, id });
}

export function decodeActorPointer(text: string, key: string): string {
  return decodeStoredJson(text, key, 'erasure pointer', (value) => jsonString(jsonObject(value, 'erasure pointer'), 'id'));
}
