import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { readTalesContext } from './tales-context';
import { TalesLog, type TalesLogProps } from './tales-log';

export interface TalesStackProps extends StackProps {
  /**
   * Settings of the log; they win over the CDK context values (see tales-context.ts).
   * @default - the context values, else TalesLog's defaults
   */
  readonly log?: TalesLogProps;
}

/** The deployable Tales stack: one TalesLog and the outputs a caller needs. */
export class TalesStack extends Stack {
  readonly log: TalesLog;

  constructor(scope: Construct, id: string, props: TalesStackProps = {}) {
    super(scope, id, { description: 'Tales: a multi-actor event log on S3 (Kinesis, Lambda, S3)', ...props });
    const context = readTalesContext(this.node);
    const alarmTopic = context.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', context.alarmTopicArn) : undefined;
    this.log = new TalesLog(this, 'TalesLog', { ...context.props, ...(alarmTopic ? { alarmTopic } : {}), ...props.log });

    new CfnOutput(this, 'IngestUrl', { value: this.log.ingestUrl.url, description: 'POST <IngestUrl>events (SigV4, service lambda)' });
    new CfnOutput(this, 'QueryUrl', { value: this.log.queryUrl.url, description: 'GET <QueryUrl>events?actors=… (SigV4, service lambda)' });
    new CfnOutput(this, 'StreamName', { value: this.log.stream.streamName, description: 'Kinesis stream for SDK producers' });
    new CfnOutput(this, 'BucketName', { value: this.log.bucket.bucketName, description: 'S3 bucket holding the log (retained)' });
    new CfnOutput(this, 'FailedBatchesBucketName', {
      value: this.log.failedBatchesBucket.bucketName,
      description: 'Batches the consumer gave up on, records included: tales replay --bucket <BucketName> --failure-bucket <this>',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.log.alarmTopic.topicArn, description: 'SNS topic every alarm notifies' });
    if (this.log.compactorFunction) {
      new CfnOutput(this, 'CompactorFunctionName', {
        value: this.log.compactorFunction.functionName,
        description: 'Invoke with {"day":"YYYY-MM-DD","force"?:true} to compact one day now',
      });
    }
  }
}
