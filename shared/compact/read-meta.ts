import type { S3Client } from '@aws-sdk/client-s3';
import { getText } from '../aws/get-text';
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
  const key = layout.compactMetaKey(day);
  const text = await getText(s3, bucket, key, counter);
  if (text === undefined) return undefined;
  const meta = decodeCompactMeta(text, key);
  if (meta.day !== day) throw new CorruptError('metadata names another day', key);
  return meta;
}
