import type { S3Client } from '@aws-sdk/client-s3';
import { deleteAtEtags } from '../aws/delete-at-etags';
import type { KeyLayout } from '../layout/keys';
import type { RetiredSegment } from './manifest';

/**
 * Deletes retired segment objects, each only at the ETag it was committed with: an object rewritten
 * since is left for the day's compaction sweep. Deleting a key already gone succeeds, so a run that
 * crashes before its manifest commit is simply repeated. Returns how many were deleted.
 */
export async function deleteRetired(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  day: number,
  retired: readonly RetiredSegment[],
): Promise<number> {
  const objects = retired.map(({ id, etag }) => ({ Key: layout.segmentKey(day, id), ETag: etag }));
  return (await deleteAtEtags(s3, bucket, objects, 'retired segments')).deleted;
}
