import { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client } from '../../shared/aws/s3-client';
import { loadZstd } from '../../shared/codec/zstd';
import type { Env } from '../../shared/config/env';
import { createQueryContext, DEFAULT_DAY_TTL_MS, type QueryContext } from '../../shared/query/context';
import type { HandlerSetup, SetupOptions } from '../setup';
import { readQueryConfig } from './config';
import { createErasureDeps } from './erasure-routes';
import { createQueryHandler } from './handler';

/** The query handler wired from an environment: the Lambda's process.env, or a local stack's. */
export function setupQuery(env: Env, { logLevel, zstd }: SetupOptions = {}): HandlerSetup<ReturnType<typeof createQueryHandler>> {
  const config = readQueryConfig(env);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
  // zstd loads asynchronously and the bundle is CommonJS (no top-level await): the first request waits for it.
  let context: Promise<QueryContext> | undefined;
  const handler = createQueryHandler({
    context: () => {
      context ??= (zstd ?? loadZstd()).then((z) =>
        createQueryContext({
          s3,
          bucket: config.bucket,
          layout: config.layout,
          zstd: z,
          cacheBytes: config.cacheBytes,
          closeAfterMs: config.closeAfterMs,
          dayTtlMs: { open: config.openDayCacheMs, closed: DEFAULT_DAY_TTL_MS.closed },
        }),
      );
      return context;
    },
    maxSpanDays: config.maxSpanDays,
    retentionDays: config.retentionDays,
    logger: new Logger({ serviceName: 'tales-query', ...(logLevel ? { logLevel } : {}) }),
    erasure: createErasureDeps(s3, config.bucket, config.layout, config.erasers),
  });
  return { handler, destroy: () => s3.destroy() };
}
