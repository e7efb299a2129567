import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReadCounter } from './s3-source';

/** A stored text object and the ETag it was read at. */
export interface StoredText {
  readonly text: string;
  readonly etag: string;
}

/** A small object's UTF-8 text, or undefined when it does not exist; `counter` counts the GET (a miss too) and its bytes. */
export async function getText(s3: S3Client, bucket: string, key: string, counter?: ReadCounter): Promise<string | undefined> {
  return (await getStoredText(s3, bucket, key, counter))?.text;
}

/** As getText, with the ETag of the version read (for a conditional rewrite). */
export async function getStoredText(s3: S3Client, bucket: string, key: string, counter?: ReadCounter): Promise<StoredText | undefined> {
  let stored: StoredText;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    stored = { text: response.Body ? await response.Body.transformToString('utf-8') : '', etag: response.ETag ?? '' };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') {
      if (counter) counter.requests++;
      return undefined;
    }
    throw error;
  }
  if (counter) {
    counter.requests++;
    counter.bytes += Buffer.byteLength(stored.text);
  }
  return stored;
}
