import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReadCounter } from '../aws/s3-source';
import { CorruptError } from '../codec/errors';
import type { KeyLayout } from '../layout/keys';
import { decodeTierManifest, type TierManifest } from './manifest';

/** A tier manifest with the ETag the merger's next conditional PUT must match. */
export interface StoredTier {
  readonly manifest: TierManifest;
  readonly etag: string;
}

/** The day's tier manifest, or undefined when nothing of the day is merged yet; `counter` counts the GET (a miss too). */
export async function readTierManifest(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  day: number,
  counter?: ReadCounter,
): Promise<StoredTier | undefined> {
  const key = layout.tierManifestKey(day);
  let text: string;
  let etag: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = response.Body ? await response.Body.transformToString('utf-8') : '';
    etag = response.ETag ?? '';
  } catch (error) {
    if ((error as Error).name !== 'NoSuchKey') throw error;
    if (counter) counter.requests++;
    return undefined;
  }
  if (counter) {
    counter.requests++;
    counter.bytes += Buffer.byteLength(text);
  }
  const manifest = decodeTierManifest(text, key);
  if (manifest.day !== day) throw new CorruptError('tier manifest names another day', key);
  return { manifest, etag };
}
