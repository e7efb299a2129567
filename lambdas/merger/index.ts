import { Logger } from '@aws-lambda-powertools/logger';
import { createS3Client } from '../../shared/aws/clients';
import { loadZstd } from '../../shared/codec/zstd';
import { KeyLayout } from '../../shared/layout/keys';
import type { MergeContext } from '../../shared/tier/merge-day';
import { readMergerConfig } from './config';
import { createMergerHandler } from './handler';

const config = readMergerConfig(process.env);
const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });
const layout = new KeyLayout(config.prefix);

let context: Promise<MergeContext> | undefined;

export const handler = createMergerHandler({
  context: () => {
    context ??= loadZstd().then((zstd) => ({ s3, bucket: config.bucket, layout, zstd }));
    return context;
  },
  config,
  logger: new Logger({ serviceName: 'tales-merger' }),
});
