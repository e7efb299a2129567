import { Logger } from '@aws-lambda-powertools/logger';
import { createKinesisClient } from '../../shared/aws/kinesis-client';
import type { Env } from '../../shared/config/env';
import { CLIENT_MAX_ATTEMPTS } from '../../shared/kinesis/put-with-retries';
import type { HandlerSetup, SetupOptions } from '../setup';
import { readIngestConfig } from './config';
import { createIngestHandler } from './handler';

/** The ingest handler wired from an environment: the Lambda's process.env, or a local stack's. */
export function setupIngest(env: Env, { logLevel }: SetupOptions = {}): HandlerSetup<ReturnType<typeof createIngestHandler>> {
  const config = readIngestConfig(env);
  const kinesis = createKinesisClient({ region: config.region, endpoint: config.kinesisEndpoint, maxAttempts: CLIENT_MAX_ATTEMPTS });
  const logger = new Logger({ serviceName: 'tales-ingest', ...(logLevel ? { logLevel } : {}) });
  return { handler: createIngestHandler({ settings: config, kinesis, logger }), destroy: () => kinesis.destroy() };
}
