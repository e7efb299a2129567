import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoint';

export interface KinesisClientOptions extends AwsEndpoint {
  /** HTTP requests the SDK makes for one command, its own retries included. @default 3 (the SDK's default) */
  readonly maxAttempts?: number;
}

/** A Kinesis client; a local server gets HTTP/1.1, since kinesalite fails the SDK's HTTP/2. */
export function createKinesisClient({ region, endpoint, maxAttempts }: KinesisClientOptions = {}): KinesisClient {
  const retries = maxAttempts !== undefined ? { maxAttempts } : {};
  if (!endpoint) return new KinesisClient({ ...(region ? { region } : {}), ...retries });
  return new KinesisClient({
    region: region ?? LOCAL_REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
    ...retries,
  });
}
