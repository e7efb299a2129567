import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ByteSource } from '../chunk/source';

/** Counts what reads cost: one request and its bytes per ranged GET. */
export interface ReadCounter {
  requests: number;
  bytes: number;
}

/** A ByteSource reading an S3 object with ranged GETs. */
export function s3Source(s3: S3Client, bucket: string, key: string, counter?: ReadCounter): ByteSource {
  return {
    key,
    async read(offset, length) {
      if (length <= 0) return new Uint8Array(0);
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }));
      const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
      if (counter) {
        counter.requests++;
        counter.bytes += bytes.length;
      }
      return bytes;
    },
  };
}
