import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Every object below `prefix` with its ETag, in key order (ListObjectsV2, every page), lazily. */
export async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<{ key: string; etag: string }> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const { Key, ETag } of page.Contents ?? []) if (Key !== undefined) yield { key: Key, etag: ETag ?? '' };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
