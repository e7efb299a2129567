import { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client } from '../../shared/aws/s3-client';
import { loadZstd } from '../../shared/codec/zstd';
import type { CompactContext } from '../../shared/compact/compact-day';
import type { Env } from '../../shared/config/env';
import { ErasureKeys } from '../../shared/erasure/keys';
import type { RecordStore } from '../../shared/erasure/purge-records';
import type { HandlerSetup, SetupOptions } from '../setup';
import { type CompactorConfig, readCompactorConfig } from './config';
import { createCompactorHandler } from './handler';

/** The compactor handler wired from an environment: the Lambda's process.env, or a local stack's. */
export function setupCompactor(env: Env, { logLevel, zstd }: SetupOptions = {}): HandlerSetup<ReturnType<typeof createCompactorHandler>> {
  const config = readCompactorConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  let context: Promise<CompactContext> | undefined;
  const handler = createCompactorHandler({
    context: () => {
      context ??= (zstd ?? loadZstd()).then((z) => ({ s3, bucket: config.bucket, layout: config.layout, zstd: z }));
      return context;
    },
    config,
    logger: new Logger({ serviceName: 'tales-compactor', ...(logLevel ? { logLevel } : {}) }),
    erasures: { s3, bucket: config.bucket, keys: new ErasureKeys(config.layout) },
    recordStores: recordStoresOf(config),
  });
  return { handler, destroy: () => s3.destroy() };
}

/** The consumer's rejected/ objects, and its failure destination: Lambda's (versioned) bucket in AWS, local mode's folder otherwise. */
function recordStoresOf(config: CompactorConfig): RecordStore[] {
  const rejected: RecordStore = { kind: 'rejected', bucket: config.bucket, prefix: config.layout.rejectedPrefix() };
  const failures: RecordStore = config.failureBucket
    ? { kind: 'failed-batches', bucket: config.failureBucket, prefix: 'aws/lambda/', versioned: true }
    : { kind: 'failed-batches', bucket: config.bucket, prefix: config.layout.failedBatchesPrefix() };
  return [rejected, failures];
}
