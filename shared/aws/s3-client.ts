import { S3Client } from '@aws-sdk/client-s3';
import { type AwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoint';

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
