import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { startS3Server } from '../../local/servers/s3-server';
import { createS3Client } from '../../shared/aws/s3-client';

/** An in-process s3rver on a free loopback port, with one bucket, and a real SDK client for it. */
export interface LocalS3 {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalS3(bucket = 'tales-test'): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'tales-s3-'));
  const server = await startS3Server(directory, bucket);
  const s3 = createS3Client({ endpoint: server.endpoint });
  return {
    s3,
    bucket,
    endpoint: server.endpoint,
    async stop() {
      s3.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
