import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { concatBytes } from '../codec/bytes';

/** S3's multipart limits. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

/** What writing an object in parts cost: parts uploaded (0 for a single PUT) and bytes. */
export interface UploadStats {
  parts: number;
  uploadedBytes: number;
}

/**
 * Writes one object from bytes that arrive in order, holding at most one part in memory: bytes are
 * buffered until `partBytes` (every part but the last must reach S3's 5 MiB minimum), then sent as a
 * part of a multipart upload started on the first full part. An object smaller than one part is a
 * single PUT. `abort` (on any failure) abandons the upload, so no part outlives a failed attempt.
 */
export class PartUpload {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private uploadId: string | undefined;
  private readonly etags: string[] = [];
  readonly stats: UploadStats = { parts: 0, uploadedBytes: 0 };

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly partBytes = MIN_PART_BYTES,
  ) {
    if (partBytes < 1) throw new RangeError(`partBytes must be positive (given ${partBytes})`);
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
    if (this.bufferedBytes >= this.partBytes) await this.sendPart();
  }

  /** Sends what remains and completes the object; returns its ETag. */
  async finish(): Promise<string> {
    if (this.uploadId === undefined) {
      const body = concatBytes(this.buffered);
      this.buffered = [];
      const put = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: body }));
      this.stats.uploadedBytes += body.length;
      return put.ETag ?? '';
    }
    if (this.bufferedBytes > 0) await this.sendPart();
    const done = await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    return done.ETag ?? '';
  }

  async abort(): Promise<void> {
    if (this.uploadId === undefined) return;
    await this.s3
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }))
      .catch(() => undefined);
  }

  private async sendPart(): Promise<void> {
    if (this.uploadId === undefined) {
      const created = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key }));
      this.uploadId = created.UploadId as string;
    }
    if (this.etags.length >= MAX_PARTS) throw new RangeError(`${this.key} would need more than S3's ${MAX_PARTS} parts`);
    const body = concatBytes(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    const PartNumber = this.etags.length + 1;
    const part = await this.s3.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber, Body: body }),
    );
    this.etags.push(part.ETag ?? '');
    this.stats.parts++;
    this.stats.uploadedBytes += body.length;
  }
}
