import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createS3Client } from '../../shared/aws/s3-client';
import { loadZstd } from '../../shared/codec/zstd';
import type { Env } from '../../shared/config/env';
import { ManifestCache } from '../../shared/writer/manifest-cache';
import type { HandlerSetup, SetupOptions } from '../setup';
import { readConsumerConfig } from './config';
import { createConsumerHandler } from './handler';

export interface ConsumerSetupOptions extends SetupOptions {
  /** @default - CloudWatch EMF metrics in the namespace Tales */
  readonly metrics?: Metrics;
}

/** The consumer handler wired from an environment: the Lambda's process.env, or a local stack's. */
export function setupConsumer(
  env: Env,
  { logLevel, zstd, metrics }: ConsumerSetupOptions = {},
): HandlerSetup<ReturnType<typeof createConsumerHandler>> {
  const config = readConsumerConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  const handler = createConsumerHandler({
    writer: {
      s3,
      bucket: config.bucket,
      layout: config.layout,
      chunkOptions: { blockSize: config.blockSize, level: config.zstdLevel },
      closeAfterMs: config.closeAfterMs,
      // Kept across the batches this instance serves: a batch of a writer-day it wrote last skips the manifest GET.
      manifests: new ManifestCache(),
    },
    zstd: zstd ?? loadZstd(),
    logger: new Logger({ serviceName: 'tales-consumer', ...(logLevel ? { logLevel } : {}) }),
    metrics: metrics ?? new Metrics({ namespace: 'Tales', serviceName: 'tales-consumer' }),
  });
  return { handler, destroy: () => s3.destroy() };
}
