import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoint';

/** A Kinesis client; a local server gets HTTP/1.1, since kinesalite fails the SDK's HTTP/2. */
export function createKinesisClient({ region, endpoint }: AwsEndpoint = {}): KinesisClient {
  if (!endpoint) return new KinesisClient(region ? { region } : {});
  return new KinesisClient({
    region: region ?? LOCAL_REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
}
