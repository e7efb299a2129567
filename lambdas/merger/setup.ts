import { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client } from '../../shared/aws/s3-client';
import { loadZstd } from '../../shared/codec/zstd';
import type { Env } from '../../shared/config/env';
import type { MergeContext } from '../../shared/tier/merge-day';
import type { HandlerSetup, SetupOptions } from '../setup';
import { readMergerConfig } from './config';
import { createMergerHandler } from './handler';

/** The merger handler wired from an environment: the Lambda's process.env, or a local stack's. */
export function setupMerger(env: Env, { logLevel, zstd }: SetupOptions = {}): HandlerSetup<ReturnType<typeof createMergerHandler>> {
  const config = readMergerConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  let context: Promise<MergeContext> | undefined;
  const handler = createMergerHandler({
    context: () => {
      context ??= (zstd ?? loadZstd()).then((z) => ({ s3, bucket: config.bucket, layout: config.layout, zstd: z }));
      return context;
    },
    config,
    logger: new Logger({ serviceName: 'tales-merger', ...(logLevel ? { logLevel } : {}) }),
  });
  return { handler, destroy: () => s3.destroy() };
}
