import { GetObjectCommand } from '@aws-sdk/client-s3';
import { MANIFEST_CONTENT_TYPE } from '../manifest/manifest-codec';
import type { BatchStats } from './batch-stats';
import { WriterConflictError } from './errors';
import type { WriterContext } from './types';

/** An unlisted chunk older than this belongs to no live attempt: Lambda's longest timeout. */
export const ORPHAN_AFTER_MS = 15 * 60_000;

/** Whether S3 refused a conditional write: 412 (the condition failed) or 409 (a concurrent conditional write won). */
export function isConditionFailure(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
}

/**
 * Creates a chunk that no manifest lists yet (`If-None-Match: *`) and returns its ETag. A key that
 * exists already is an earlier attempt's chunk: with the same bytes it is taken as written (a retry
 * after a lost answer or a crash before the manifest); with other bytes it is replaced (`If-Match` its
 * ETag) only once it is older than `orphanAfterMs`, so that it cannot be a live second author's.
 * Otherwise the write fails with a WriterConflictError.
 *
 * When the sequence comes from a cached manifest (`fromCache`), an existing key says only that the cache
 * is stale (another instance wrote the writer-day since): the write fails with a WriterConflictError at
 * once, and the object is neither compared nor replaced, since it may be a listed chunk.
 */
export async function putNewChunk(
  context: WriterContext,
  stats: BatchStats,
  key: string,
  bytes: Uint8Array,
  fromCache = false,
): Promise<string> {
  const { s3, bucket, clock = Date.now, orphanAfterMs = ORPHAN_AFTER_MS } = context;
  try {
    return (await stats.put(s3, bucket, key, bytes, 'application/octet-stream', { IfNoneMatch: '*' })).ETag ?? '';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    if (fromCache) throw new WriterConflictError('the chunk exists already: the cached manifest is stale', key);
  }
  const existing = await stats.timeAsync('s3', () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
  const stored = existing.Body ? await existing.Body.transformToByteArray() : new Uint8Array(0);
  const etag = existing.ETag ?? '';
  if (Buffer.from(stored).equals(bytes)) return etag;
  const age = clock() - (existing.LastModified?.getTime() ?? 0);
  if (age < orphanAfterMs) {
    throw new WriterConflictError(
      `a chunk with other content was written ${Math.round(age / 1000)} s ago and no manifest lists it: another writer is at work on this writer-day`,
      key,
    );
  }
  try {
    return (await stats.put(s3, bucket, key, bytes, 'application/octet-stream', { IfMatch: etag })).ETag ?? '';
  } catch (error) {
    if (isConditionFailure(error)) throw new WriterConflictError('the unlisted chunk changed while it was being replaced', key);
    throw error;
  }
}

/**
 * Writes a manifest only over the version read (`If-Match`), or only as a new object (`If-None-Match: *`),
 * and returns the ETag S3 answered (undefined when it gave none).
 */
export async function putManifest(
  context: WriterContext,
  stats: BatchStats,
  key: string,
  body: Uint8Array,
  readEtag: string | undefined,
): Promise<string | undefined> {
  const condition = readEtag === undefined ? ({ IfNoneMatch: '*' } as const) : { IfMatch: readEtag };
  try {
    return (await stats.put(context.s3, context.bucket, key, body, MANIFEST_CONTENT_TYPE, condition)).ETag;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw new WriterConflictError(
      readEtag === undefined
        ? 'the manifest was created by another writer since it was found missing'
        : `the manifest changed since it was read at ETag ${readEtag}: another writer is at work on this writer-day`,
      key,
    );
  }
}
