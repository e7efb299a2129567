import { Logger } from '@aws-lambda-powertools/logger';
import { createKinesisClient } from '../../shared/aws/clients';
import { readIngestConfig } from './config';
import { createIngestHandler } from './handler';

const config = readIngestConfig(process.env);
const kinesis = createKinesisClient({ region: config.region, endpoint: config.kinesisEndpoint });

export const handler = createIngestHandler({ settings: config, kinesis, logger: new Logger({ serviceName: 'tales-ingest' }) });
