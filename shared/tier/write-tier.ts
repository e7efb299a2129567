import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KeyLayout } from '../layout/keys';
import { encodeTierManifest, type TierManifest } from './manifest';

/**
 * Commits a tier manifest if the stored one still has `etag` (or, without one, if none exists yet):
 * S3's conditional write is what makes one merger per prefix a fact. False when another won.
 */
export async function writeTierManifest(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  manifest: TierManifest,
  etag: string | undefined,
): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: layout.tierManifestKey(manifest.day),
        Body: encodeTierManifest(manifest),
        ContentType: 'application/json',
        ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }),
      }),
    );
    return true;
  } catch (error) {
    const name = (error as Error).name;
    // 412: the condition failed; 409: a concurrent conditional write to the same key is in progress.
    if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict') return false;
    throw error;
  }
}
