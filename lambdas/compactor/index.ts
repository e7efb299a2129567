import { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client } from '../../shared/aws/clients';
import { loadZstd } from '../../shared/codec/zstd';
import type { CompactContext } from '../../shared/compact/compact-day';
import { ErasureKeys } from '../../shared/erasure/keys';
import { KeyLayout } from '../../shared/layout/keys';
import { readCompactorConfig } from './config';
import { createCompactorHandler } from './handler';

const config = readCompactorConfig(process.env);
const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
const layout = new KeyLayout(config.prefix);

let context: Promise<CompactContext> | undefined;

export const handler = createCompactorHandler({
  context: () => {
    context ??= loadZstd().then((zstd) => ({ s3, bucket: config.bucket, layout, zstd }));
    return context;
  },
  config,
  logger: new Logger({ serviceName: 'tales-compactor' }),
  erasures: { s3, bucket: config.bucket, keys: new ErasureKeys(layout) },
});
