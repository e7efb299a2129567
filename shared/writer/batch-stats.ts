import { PutObjectCommand, type PutObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';

/** S3 conditional write: `IfNoneMatch: '*'` creates only, `IfMatch: <etag>` replaces only that version. */
export type PutCondition = { readonly IfNoneMatch?: '*'; readonly IfMatch?: string };

export type Phase = 'decode' | 'build' | 's3';

/** What writing one batch cost: time per phase (S3 time is summed over calls, which may overlap) and PUTs. */
export class BatchStats {
  readonly ms: Record<Phase, number> = { decode: 0, build: 0, s3: 0 };
  puts = 0;
  bytesPut = 0;

  constructor(private readonly now: () => number) {}

  time<T>(phase: Phase, work: () => T): T {
    const start = this.now();
    try {
      return work();
    } finally {
      this.ms[phase] += this.now() - start;
    }
  }

  async timeAsync<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await work();
    } finally {
      this.ms[phase] += this.now() - start;
    }
  }

  /** One counted, timed PutObject, conditional when `condition` says so. */
  put(
    s3: S3Client,
    bucket: string,
    key: string,
    body: Uint8Array | string,
    contentType: string,
    condition: PutCondition = {},
  ): Promise<PutObjectCommandOutput> {
    return this.timeAsync('s3', async () => {
      const output = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...condition }));
      this.puts++;
      this.bytesPut += typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      return output;
    });
  }
}
