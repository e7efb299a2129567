import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReadCounter } from './s3-source';

/** A small object's UTF-8 text, or undefined when it does not exist; `counter` counts the GET (a miss too) and its bytes. */
export async function getText(s3: S3Client, bucket: string, key: string, counter?: ReadCounter): Promise<string | undefined> {
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = response.Body ? await response.Body.transformToString('utf-8') : '';
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') {
      if (counter) counter.requests++;
      return undefined;
    }
    throw error;
  }
  if (counter) {
    counter.requests++;
    counter.bytes += Buffer.byteLength(text);
  }
  return text;
}
