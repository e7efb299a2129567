import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The object's ETag (one HEAD), or undefined when it does not exist. */
export async function headEtag(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag ?? '';
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}
