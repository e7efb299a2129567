import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Lambda's S3 on-failure destination for a stream event source: the invocation record of a batch
 * given up, with the whole event (every record and its data), written by the function's role below
 * `aws/lambda/`. Unlike aws-lambda-event-sources' S3OnFailureDestination, which grants read and write
 * on the whole bucket, this grants only what Lambda needs to write there.
 */
export class S3FailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    iam.Grant.addToPrincipal({
      grantee: targetHandler,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects('aws/lambda/*')],
    });
    iam.Grant.addToPrincipal({ grantee: targetHandler, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    return { destination: this.bucket.bucketArn };
  }
}
