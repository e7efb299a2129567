import type { S3Client } from '@aws-sdk/client-s3';
import { getStoredText } from '../aws/get-text';
import type { ReadCounter } from '../aws/s3-source';
import { CorruptError } from '../codec/errors';
import type { KeyLayout } from '../layout/keys';
import { type CompactMeta, decodeCompactMeta } from './meta';

/** The committed compacted form of a day, or undefined when the day is not compacted. */
export async function readCompactMeta(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  day: number,
  counter?: ReadCounter,
): Promise<CompactMeta | undefined> {
  return (await readStoredCompactMeta(s3, bucket, layout, day, counter))?.meta;
}

/** As readCompactMeta, with the ETag it was read at: what a purge's commit replaces only if unchanged. */
export async function readStoredCompactMeta(
  s3: S3Client,
  bucket: string,
  layout: KeyLayout,
  day: number,
  counter?: ReadCounter,
): Promise<{ readonly meta: CompactMeta; readonly etag: string } | undefined> {
  const key = layout.compactMetaKey(day);
  const stored = await getStoredText(s3, bucket, key, counter);
  if (stored === undefined) return undefined;
  const meta = decodeCompactMeta(stored.text, key);
  if (meta.day !== day) throw new CorruptError('metadata names another day', key);
  return { meta, etag: stored.etag };
}
