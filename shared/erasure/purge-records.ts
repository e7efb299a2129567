import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  type ObjectVersion,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { jsonObject } from '../codec/json-fields';

/**
 * Objects holding stream records that are not events: the consumer's `rejected/` objects (NDJSON, one
 * record a line) or a failure destination (a failed batch: JSON, its records in `payload.Records`).
 */
export interface RecordStore {
  readonly kind: 'rejected' | 'failed-batches';
  readonly bucket: string;
  readonly prefix: string;
  /**
   * The bucket keeps object versions (the failure destination does): every version is read, and each
   * one naming an erased actor is deleted by its version id once the current object no longer holds it.
   * @default false
   */
  readonly versioned?: boolean;
}

export interface RecordPurge {
  readonly kind: RecordStore['kind'];
  /** Objects rewritten without records naming an erased actor (or deleted: a failed batch with none left). */
  readonly rewritten: number;
  /** Old versions deleted (versioned stores). */
  readonly versionsDeleted: number;
  /** Records removed. */
  readonly records: number;
}

/**
 * Removes every record naming an erased actor from the store's objects: an object holding one is
 * rewritten with the others (the same key, so `tales replay` and its exactly-once check still find
 * it), and in a versioned store every older version holding one is deleted by version id. Retry-safe:
 * a rerun finds what is left and removes it.
 */
export async function purgeRecords(s3: S3Client, store: RecordStore, erased: ReadonlySet<number>): Promise<RecordPurge> {
  const tally = { kind: store.kind, rewritten: 0, versionsDeleted: 0, records: 0 };
  if (erased.size === 0) return tally;
  for await (const version of objectVersions(s3, store)) {
    const text = await readVersion(s3, store.bucket, version);
    if (text === undefined) continue;
    const kept = store.kind === 'rejected' ? keptLines(text, erased) : keptRecords(text, erased, version.Key as string);
    if (kept.removed === 0) continue;
    tally.records += kept.removed;
    if (version.IsLatest !== false) {
      tally.rewritten++;
      if (kept.text === undefined) await s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: version.Key }));
      else
        await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: version.Key, Body: kept.text, ContentType: contentTypeOf(store) }));
    }
    if (store.versioned && version.VersionId !== undefined) {
      await s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: version.Key, VersionId: version.VersionId }));
      tally.versionsDeleted++;
    }
  }
  return tally;
}

/**
 * Whether a stream record's data (base64) names an erased actor: its `actors` when the data is a JSON
 * object with an actors array (numbers or digit strings), else any erased id standing alone as a
 * number anywhere in its text, since a record rejected for its shape may name the actor elsewhere.
 */
export function recordNamesErased(data: string, erased: ReadonlySet<number>): boolean {
  const text = Buffer.from(data, 'base64').toString('utf8');
  const actors = actorsOf(text);
  if (actors) return actors.some((actor) => erased.has(actor));
  for (const [digits] of text.matchAll(/\d+/g)) if (erased.has(Number(digits))) return true;
  return false;
}

function actorsOf(text: string): number[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const actors = typeof parsed === 'object' && parsed !== null ? (parsed as { actors?: unknown }).actors : undefined;
  if (!Array.isArray(actors)) return undefined;
  return actors.flatMap((actor) =>
    typeof actor === 'number' ? [actor] : typeof actor === 'string' && /^\s*\d+\s*$/.test(actor) ? [Number(actor)] : [],
  );
}

interface Kept {
  /** The object's new body; undefined when nothing is left to keep (a failed batch is then deleted). */
  readonly text: string | undefined;
  readonly removed: number;
}

/** A rejected object's lines without those naming an erased actor (a line that is not JSON is scanned whole). */
function keptLines(text: string, erased: ReadonlySet<number>): Kept {
  const lines = text.split('\n').filter((line) => line !== '');
  const kept = lines.filter((line) => !recordNamesErased(dataOfLine(line), erased));
  return { text: kept.map((line) => `${line}\n`).join(''), removed: lines.length - kept.length };
}

function dataOfLine(line: string): string {
  try {
    const data = (JSON.parse(line) as { data?: unknown }).data;
    if (typeof data === 'string') return data;
  } catch {
    // Scanned whole below.
  }
  return Buffer.from(line).toString('base64');
}

/** A failed batch without the records naming an erased actor, in the shape it was stored. */
function keptRecords(text: string, erased: ReadonlySet<number>, key: string): Kept {
  let root: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    root = jsonObject(JSON.parse(text), 'record');
    payload = jsonObject(typeof root.payload === 'string' ? JSON.parse(root.payload) : root.payload, 'payload');
  } catch {
    // Not a failed batch as Lambda writes one: scanned whole, and removed if it names an erased actor.
    const names = recordNamesErased(Buffer.from(text).toString('base64'), erased);
    return names ? { text: undefined, removed: 1 } : { text, removed: 0 };
  }
  const records = Array.isArray(payload.Records) ? payload.Records : [];
  const kept = records.filter((record) => !recordNamesErased(dataOfRecord(record, key), erased));
  if (kept.length === records.length) return { text, removed: 0 };
  if (kept.length === 0) return { text: undefined, removed: records.length };
  const next = { ...payload, Records: kept };
  return {
    text: JSON.stringify({ ...root, payload: typeof root.payload === 'string' ? JSON.stringify(next) : next }),
    removed: records.length - kept.length,
  };
}

function dataOfRecord(record: unknown, key: string): string {
  const data = (record as { kinesis?: { data?: unknown } } | null)?.kinesis?.data;
  return typeof data === 'string' ? data : Buffer.from(JSON.stringify(record) ?? `record of ${key}`).toString('base64');
}

/** Every object of the store, or in a versioned store every version (delete markers apart). */
async function* objectVersions(s3: S3Client, store: RecordStore): AsyncGenerator<ObjectVersion> {
  if (store.versioned) {
    let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: store.prefix, ...marker }));
      yield* page.Versions ?? [];
      if (!page.IsTruncated) return;
      marker = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
  }
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: store.bucket, Prefix: store.prefix })) {
    for (const { Key } of page.Contents ?? []) if (Key !== undefined) yield { Key, IsLatest: true };
  }
}

async function readVersion(s3: S3Client, bucket: string, version: ObjectVersion): Promise<string | undefined> {
  try {
    const response = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: version.Key, ...(version.VersionId ? { VersionId: version.VersionId } : {}) }),
    );
    return (await response.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    // Deleted since it was listed (a replay removed it): nothing left to purge there.
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NoSuchVersion') return undefined;
    throw error;
  }
}

function contentTypeOf(store: RecordStore): string {
  return store.kind === 'rejected' ? 'application/x-ndjson' : 'application/json';
}
