import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KeyLayout } from '../layout/keys';
import { type CompactMeta, decodeCompactMeta } from './meta';

/** The committed compacted form of a day, or undefined when the day is not compacted. */
export async function readCompactMeta(s3: S3Client, bucket: string, layout: KeyLayout, day: number): Promise<CompactMeta | undefined> {
  const key = layout.compactMetaKey(day);
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = response.Body ? await response.Body.transformToString('utf-8') : '';
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
  const meta = decodeCompactMeta(text, key);
  if (meta.day !== day) throw new Error(`${key}: metadata names another day`);
  return meta;
}
