import { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client } from '../../shared/aws/clients';
import { loadZstd } from '../../shared/codec/zstd';
import { KeyLayout } from '../../shared/layout/keys';
import { createQueryContext, type QueryContext } from '../../shared/query/context';
import { readQueryConfig } from './config';
import { createErasureDeps } from './erasure-routes';
import { createQueryHandler } from './handler';

const config = readQueryConfig(process.env);
const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
const layout = new KeyLayout(config.prefix);

// zstd loads asynchronously and the bundle is CommonJS (no top-level await): the first request waits for it.
let context: Promise<QueryContext> | undefined;
const queryContext = () => {
  context ??= loadZstd().then((zstd) => createQueryContext({ s3, bucket: config.bucket, layout, zstd, cacheEntries: config.cacheEntries }));
  return context;
};

export const handler = createQueryHandler({
  context: queryContext,
  maxSpanDays: config.maxSpanDays,
  logger: new Logger({ serviceName: 'tales-query' }),
  erasure: createErasureDeps(s3, config.bucket, layout, config.erasers),
});
