/** Where to reach S3 and Kinesis: AWS itself (no endpoint) or a local server speaking their protocols. */
export interface AwsEndpoint {
  /** @default - the SDK's own resolution (AWS_REGION in Lambda); us-east-1 for a local server */
  readonly region?: string;
  /** A local server's URL (s3rver, kinesalite); unset in AWS. */
  readonly endpoint?: string;
}

export const LOCAL_REGION = 'us-east-1';
/** Local servers accept any credentials; fixed ones keep the SDK from searching the machine for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
