import type { S3Client } from '@aws-sdk/client-s3';
import { getStoredBytes } from '../aws/get-text';
import type { ReadCounter } from '../aws/s3-source';
import { CorruptError } from '../codec/errors';
import { dayName } from '../layout/day';
import type { Manifest } from './manifest';
import { decodeManifest } from './manifest-codec';

/** A manifest and the ETag it was read at: the writer rewrites it only if it still has that ETag. */
export interface ManifestVersion {
  readonly manifest: Manifest;
  readonly etag: string;
}

/**
 * Reads the manifest of one writer-day, in either of its forms; undefined when it does not exist yet.
 * A manifest that does not decode, or that names another writer or day than its key, is a CorruptError naming the key.
 * `counter` counts the GET (a missing manifest too) and its bytes.
 */
export async function readManifest(
  s3: S3Client,
  bucket: string,
  key: string,
  writer: string,
  day: number,
  counter?: ReadCounter,
): Promise<Manifest | undefined> {
  return (await readManifestVersion(s3, bucket, key, writer, day, counter))?.manifest;
}

/** As readManifest, with the ETag of the version read. */
export async function readManifestVersion(
  s3: S3Client,
  bucket: string,
  key: string,
  writer: string,
  day: number,
  counter?: ReadCounter,
): Promise<ManifestVersion | undefined> {
  const stored = await getStoredBytes(s3, bucket, key, counter);
  if (stored === undefined) return undefined;
  const manifest = decodeManifest(stored.bytes, key);
  if (manifest.writer !== writer || manifest.day !== day) {
    throw new CorruptError(
      `manifest is for writer ${manifest.writer} on ${dayName(manifest.day)}, expected ${writer} on ${dayName(day)}`,
      key,
    );
  }
  return { manifest, etag: stored.etag };
}
