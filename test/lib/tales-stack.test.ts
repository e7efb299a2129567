import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TalesStack } from '../../lib/tales-stack';
import { logicalIdOf, SKIP_BUNDLING } from './synth';

let stack: TalesStack;
let template: Template;
beforeAll(() => {
  // GIVEN context as `npx cdk deploy -c shardCount=2 -c prefix=tales/ -c alarmTopicArn=…` passes it
  const app = new App({
    context: { ...SKIP_BUNDLING, shardCount: '2', prefix: 'tales/', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms' },
  });
  stack = new TalesStack(app, 'Tales', { log: { retentionDays: 30 } });
  template = Template.fromStack(stack);
});

describe('TalesStack', () => {
  it('fails if an output a caller needs is missing or renamed', () => {
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual([
      'IngestUrl',
      'QueryUrl',
      'StreamName',
      'BucketName',
      'FailedBatchesBucketName',
      'AlarmTopicArn',
      'CompactorFunctionName',
    ]);
    expect(outputs.IngestUrl.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, stack.log.ingestUrl), 'FunctionUrl'] });
    expect(outputs.QueryUrl.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, stack.log.queryUrl), 'FunctionUrl'] });
    expect(outputs.StreamName.Value).toEqual({ Ref: logicalIdOf(stack, stack.log.stream) });
    expect(outputs.BucketName.Value).toEqual({ Ref: logicalIdOf(stack, stack.log.bucket) });
    expect(outputs.FailedBatchesBucketName.Value).toEqual({ Ref: logicalIdOf(stack, stack.log.failedBatchesBucket) });
    // The topic given by context is imported, so its ARN is the output as given.
    expect(outputs.AlarmTopicArn.Value).toBe('arn:aws:sns:eu-west-1:123456789012:alarms');
    expect(outputs.CompactorFunctionName.Value).toEqual({ Ref: logicalIdOf(stack, stack.log.compactorFunction) });
  });

  it('fails if the context values do not reach the log', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 2 });
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Environment: { Variables: { TALES_PREFIX: 'tales/' } } }, 4);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:alarms'] }, 15);
    // A topic given by context replaces the one the log would create.
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('fails if props given in code do not apply next to the context', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ Id: 'AbortIncompleteUploads' }, { Id: 'Retention', ExpirationInDays: 30, Prefix: 'tales/' }] },
    });
  });

  it('fails if a bad context value is not refused with the construct message', () => {
    const app = new App({ context: { ...SKIP_BUNDLING, shardCount: '0' } });
    expect(() => new TalesStack(app, 'Tales')).toThrow('shardCount must be 1..500 (given 0)');
  });
});
