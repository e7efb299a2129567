import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createS3Client } from '../../shared/aws/clients';
import { loadZstd } from '../../shared/codec/zstd';
import { readConsumerConfig } from './config';
import { createConsumerHandler } from './handler';

const config = readConsumerConfig(process.env);
const s3 = createS3Client({ region: config.region, endpoint: config.s3Endpoint });

export const handler = createConsumerHandler({
  writer: {
    s3,
    bucket: config.bucket,
    layout: config.layout,
    chunkOptions: { blockSize: config.blockSize, level: config.zstdLevel },
  },
  zstd: loadZstd(),
  logger: new Logger({ serviceName: 'tales-consumer' }),
  metrics: new Metrics({ namespace: 'Tales', serviceName: 'tales-consumer' }),
});
