import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Deletes objects, each only if it still has the ETag given (S3's conditional delete, 1,000 keys a
 * request). One whose ETag differs is kept and named in `kept`; a key already gone counts as deleted,
 * so a repeated call is harmless. Any other failure throws, naming `what` and the key.
 */
export async function deleteAtEtags(
  s3: S3Client,
  bucket: string,
  objects: readonly { readonly Key: string; readonly ETag: string }[],
  what: string,
): Promise<{ deleted: number; kept: string[] }> {
  const kept: string[] = [];
  for (let at = 0; at < objects.length; at += 1000) {
    const batch = objects.slice(at, at + 1000);
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [...batch], Quiet: true } }));
    for (const error of result.Errors ?? []) {
      if (error.Code === 'PreconditionFailed') kept.push(error.Key ?? '');
      // A conditional delete of a key already gone may answer 404: gone is what was asked.
      else if (error.Code !== 'NoSuchKey') throw new Error(`deleting ${what} failed for ${error.Key}: ${error.Code} ${error.Message}`);
    }
  }
  return { deleted: objects.length - kept.length, kept };
}
