import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Writes JSON `body` only if the object is unchanged: absent when `etag` is undefined, else still at
 * `etag`. Returns false when another writer got there first (S3's 412, or 409 for a race on a new key).
 */
export async function putIfUnchanged(s3: S3Client, bucket: string, key: string, body: string, etag: string | undefined): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }),
      }),
    );
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 412 || status === 409) return false;
    throw error;
  }
}
