import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client } from '../../shared/aws/clients';

/** An in-process s3rver on a free loopback port, with one bucket, and a real SDK client for it. */
export interface LocalS3 {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalS3(bucket = 'tales-test'): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'tales-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const s3 = createS3Client({ endpoint });
  return {
    s3,
    bucket,
    endpoint,
    async stop() {
      s3.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
