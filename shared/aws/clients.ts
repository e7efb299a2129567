import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where to reach S3 and Kinesis: AWS itself (no endpoint) or a local server speaking their protocols. */
export interface AwsEndpoint {
  /** @default - the SDK's own resolution (AWS_REGION in Lambda); us-east-1 for a local server */
  readonly region?: string;
  /** A local server's URL (s3rver, kinesalite); unset in AWS. */
  readonly endpoint?: string;
}

const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * An S3 client. Against a local server it uses path-style URLs and sends checksums only when
 * required, since s3rver would store the aws-chunked framing of streamed bodies as data.
 */
export function createS3Client({ region, endpoint }: AwsEndpoint = {}): S3Client {
  if (!endpoint) return new S3Client(region ? { region } : {});
  return new S3Client({
    region: region ?? LOCAL_REGION,
    endpoint,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

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
