import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A small stored object's text and ETag. */
export interface Versioned {
  readonly text: string;
  readonly etag: string;
}

/** The object's text and ETag, or undefined when it does not exist. */
export async function readVersioned(s3: S3Client, bucket: string, key: string): Promise<Versioned | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { text: (await response.Body?.transformToString('utf-8')) ?? '', etag: response.ETag ?? '' };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** The object's ETag (one HEAD), or undefined when it does not exist. */
export async function headEtag(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag ?? '';
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

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
