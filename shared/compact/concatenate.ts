import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { concatBytes } from '../codec/bytes';
import { mapLimit } from '../util/map-limit';
import type { Part } from './plan-parts';
import { getRange } from './read-source';

/** Bytes compaction moved: copied inside S3, or downloaded and uploaded by the Lambda. */
export interface MoveStats {
  parts: number;
  copiedBytes: number;
  downloadedBytes: number;
  uploadedBytes: number;
}

export interface ConcatenateOptions {
  /** Copy large regions inside S3 (UploadPartCopy); off for servers without it (s3rver). @default true */
  readonly serverSideCopy?: boolean;
  /** Parts in flight at once. @default 4 */
  readonly concurrency?: number;
}

/** Writes `key` as the concatenation of the planned parts with one multipart upload; aborts it on failure. */
export async function concatenate(
  s3: S3Client,
  bucket: string,
  key: string,
  parts: readonly Part[],
  options: ConcatenateOptions = {},
): Promise<{ etag: string; stats: MoveStats }> {
  const { serverSideCopy = true, concurrency = 4 } = options;
  const stats: MoveStats = { parts: parts.length, copiedBytes: 0, downloadedBytes: 0, uploadedBytes: 0 };
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  try {
    const etags = await mapLimit(parts, concurrency, async (part, i) => {
      const PartNumber = i + 1;
      if (part.kind === 'copy' && serverSideCopy) {
        const { region } = part;
        const result = await s3.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber,
            CopySource: `${bucket}/${encodeURIComponent(region.key)}`,
            CopySourceIfMatch: region.etag,
            CopySourceRange: `bytes=${region.offset}-${region.offset + region.length - 1}`,
          }),
        );
        stats.copiedBytes += region.length;
        return result.CopyPartResult?.ETag;
      }
      const regions = part.kind === 'copy' ? [part.region] : part.regions;
      const pieces = await Promise.all(regions.map((r) => getRange(s3, bucket, r.key, r.etag, r.offset, r.length)));
      const body = concatBytes(pieces);
      stats.downloadedBytes += body.length;
      stats.uploadedBytes += body.length;
      const result = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: body }));
      return result.ETag;
    });
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    return { etag: done.ETag ?? '', stats };
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
}
