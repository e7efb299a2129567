import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CorruptError } from '../codec/errors';
import type { ReadCounter } from './s3-source';

/**
 * Largest manifest or compacted-day metadata object read, in bytes (docs/format.md). A manifest row is
 * about 50 bytes in the binary form and 250 in the JSON one, so this holds a writer-day of over 250,000
 * chunks in either; past it the object is refused before it is read into memory.
 */
export const MAX_TEXT_OBJECT_BYTES = 64 * 1024 * 1024;

/** A stored text object and the ETag it was read at. */
export interface StoredText {
  readonly text: string;
  readonly etag: string;
}

/**
 * A small object's UTF-8 text, or undefined when it does not exist; `counter` counts the GET (a miss too)
 * and its bytes. An object over `maxBytes` is a CorruptError naming its key, found from its length
 * before any byte is read, or while reading when the length is not given.
 */
export async function getText(
  s3: S3Client,
  bucket: string,
  key: string,
  counter?: ReadCounter,
  maxBytes = MAX_TEXT_OBJECT_BYTES,
): Promise<string | undefined> {
  return (await getStoredText(s3, bucket, key, counter, maxBytes))?.text;
}

/** As getText, with the ETag of the version read (for a conditional rewrite). */
export async function getStoredText(
  s3: S3Client,
  bucket: string,
  key: string,
  counter?: ReadCounter,
  maxBytes = MAX_TEXT_OBJECT_BYTES,
): Promise<StoredText | undefined> {
  const stored = await getStoredBytes(s3, bucket, key, counter, maxBytes);
  return (
    stored && { text: Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.length).toString('utf8'), etag: stored.etag }
  );
}

/** A small object's bytes and the ETag they were read at. */
export interface StoredBytes {
  readonly bytes: Uint8Array;
  readonly etag: string;
}

/** As getStoredText, for an object that may be binary (a writer-day manifest). */
export async function getStoredBytes(
  s3: S3Client,
  bucket: string,
  key: string,
  counter?: ReadCounter,
  maxBytes = MAX_TEXT_OBJECT_BYTES,
): Promise<StoredBytes | undefined> {
  let bytes: Buffer;
  let etag: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (response.ContentLength !== undefined && response.ContentLength > maxBytes) {
      body?.destroy?.();
      throw tooLarge(key, maxBytes, `its length is ${response.ContentLength}`);
    }
    bytes = body ? await readAtMost(body, key, maxBytes) : Buffer.alloc(0);
    etag = response.ETag ?? '';
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') {
      if (counter) counter.requests++;
      return undefined;
    }
    throw error;
  }
  if (counter) {
    counter.requests++;
    counter.bytes += bytes.length;
  }
  return { bytes, etag };
}

async function readAtMost(body: AsyncIterable<Uint8Array> & { destroy?: () => void }, key: string, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy?.();
      throw tooLarge(key, maxBytes, `${size} bytes were read`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(key: string, maxBytes: number, found: string): CorruptError {
  return new CorruptError(`object is over the ${maxBytes}-byte limit of a manifest or metadata object (${found})`, key);
}
