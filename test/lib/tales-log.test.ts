import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, type SynthesizedLog, synthLog } from './synth';

// Synthesizing takes about a second, so the file builds three stacks once: GIVEN default props ('standard'),
// GIVEN every prop changed from its default ('custom'), and GIVEN public URLs without compaction ('bare').
let standard: SynthesizedLog;
let custom: SynthesizedLog;
let bare: SynthesizedLog;
beforeAll(() => {
  standard = synthLog();
  bare = synthLog({ urlAuthType: FunctionUrlAuthType.NONE, enableCompaction: false });
  custom = synthLog((stack) => ({
    prefix: 'tales/',
    shardCount: 4,
    streamRetention: Duration.days(7),
    streamEncryptionKey: new kms.Key(stack, 'StreamKey', { enableKeyRotation: true }),
    versioned: true,
    retentionDays: 90,
    removalPolicy: RemovalPolicy.DESTROY,
    serverAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs'),
    batchSize: 500,
    maxBatchingWindow: Duration.seconds(30),
    retryAttempts: 3,
    corsAllowedOrigins: ['https://explorer.example.com'],
    logRetention: RetentionDays.ONE_WEEK,
    iteratorAgeAlarmThreshold: Duration.hours(2),
    errorsAlarmThreshold: 5,
    throttlesAlarmThreshold: 3,
    alarmTopic: new sns.Topic(stack, 'Alerts'),
    compactionSchedule: Schedule.cron({ minute: '15', hour: '3' }),
  }));
});

/** The bucket Tales writes to in `custom` (which also holds an access-log bucket). */
const customBucket = () => logicalIdOf(custom.stack, custom.log.bucket);

describe('TalesLog stream', () => {
  it('fails if the default stream is not on-demand, KMS-encrypted and kept 24 hours', () => {
    standard.template.resourceCountIs('AWS::Kinesis::Stream', 1);
    standard.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
      ShardCount: Match.absent(),
    });
  });

  it('fails if shardCount does not make a provisioned stream of that many shards', () => {
    custom.template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 4 });
  });

  it('fails if streamRetention is not applied', () => {
    custom.template.hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 168 });
  });

  it('fails if a customer-managed key is not the one encrypting the stream', () => {
    const keyId = logicalIdOf(custom.stack, custom.log.stream.encryptionKey as kms.Key);
    custom.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });
});

describe('TalesLog bucket', () => {
  it('fails if public access is not blocked entirely and encryption is not S3-managed', () => {
    standard.template.resourceCountIs('AWS::S3::Bucket', 1);
    standard.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it('fails if the bucket is versioned, logged or expiring by default', () => {
    standard.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: Match.absent(),
      LoggingConfiguration: Match.absent(),
      LifecycleConfiguration: {
        Rules: [{ Id: 'AbortIncompleteUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
      },
    });
  });

  it('fails if the bucket is not retained when it leaves the stack', () => {
    standard.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('fails if removalPolicy DESTROY is not honoured', () => {
    expect(custom.template.toJSON().Resources[customBucket()]).toMatchObject({ DeletionPolicy: 'Delete' });
  });

  it('fails if the bucket policy does not refuse every request without TLS', () => {
    const bucketId = logicalIdOf(standard.stack, standard.log.bucket);
    standard.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }],
          }),
        ]),
      },
    });
  });

  it('fails if retentionDays does not expire the objects below the prefix', () => {
    expect(custom.template.toJSON().Resources[customBucket()].Properties.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'Retention',
      Status: 'Enabled',
      Prefix: 'tales/',
      ExpirationInDays: 90,
    });
  });

  it('fails if versioning, when asked for, leaves noncurrent manifest versions forever', () => {
    const { Properties } = custom.template.toJSON().Resources[customBucket()];
    expect(Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(Properties.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'NoncurrentVersions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
  });

  it('fails if server access logs do not go to the bucket given', () => {
    expect(custom.template.toJSON().Resources[customBucket()].Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(custom.stack, custom.stack.node.findChild('AccessLogs')) },
      LogFilePrefix: 'tales-access-logs/',
    });
  });
});

describe('TalesLog dead-letter queue', () => {
  it('fails if the queue is not encrypted, TLS-only and kept 14 days', () => {
    const queueId = logicalIdOf(standard.stack, standard.log.deadLetterQueue);
    standard.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    standard.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('TalesLog functions', () => {
  const cases = [
    { name: 'ingest', fn: 'ingestFunction', memory: 512, timeout: 30 },
    { name: 'consumer', fn: 'consumerFunction', memory: 1024, timeout: 120 },
    { name: 'query', fn: 'queryFunction', memory: 1024, timeout: 30 },
    { name: 'compactor', fn: 'compactorFunction', memory: 2048, timeout: 900 },
  ] as const;

  it.each(cases)('fails if the $name function is not arm64 Node.js 22 with $memory MB and $timeout s', ({ fn, memory, timeout }) => {
    standard.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: memory,
      Timeout: timeout,
      Role: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log[fn]?.role), 'Arn'] },
    });
  });

  it('fails if a function does not log to a log group of its own kept one month', () => {
    const resources = standard.template.toJSON().Resources;
    const groups = cases.map(
      ({ fn }) => resources[logicalIdOf(standard.stack, standard.log[fn])].Properties.LoggingConfig.LogGroup.Ref as string,
    );
    expect(new Set(groups).size).toBe(cases.length);
    for (const group of groups)
      expect(resources[group]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
  });

  it('fails if the ingest function does not get the stream name, and only that', () => {
    const streamId = logicalIdOf(standard.stack, standard.log.stream);
    const env = environmentOf(standard, 'ingestFunction');
    expect(env).toEqual({ TALES_STREAM_NAME: { Ref: streamId }, NODE_OPTIONS: '--enable-source-maps' });
  });

  it.each(['consumerFunction', 'queryFunction', 'compactorFunction'] as const)(
    'fails if the %s does not get the bucket and the prefix',
    (fn) => {
      const bucketId = logicalIdOf(standard.stack, standard.log.bucket);
      expect(environmentOf(standard, fn)).toEqual({
        TALES_BUCKET: { Ref: bucketId },
        TALES_PREFIX: '',
        NODE_OPTIONS: '--enable-source-maps',
        ...(fn === 'queryFunction' ? { TALES_ERASERS: '' } : {}),
      });
      expect(environmentOf(custom, fn)).toMatchObject({ TALES_PREFIX: 'tales/' });
    },
  );

  it('fails if logRetention is not applied to every log group', () => {
    const groups = Object.values(custom.template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map((group) => group.Properties.RetentionInDays)).toEqual([7, 7, 7, 7]);
  });
});

describe('TalesLog consumer event source', () => {
  it('fails if the mapping does not read the stream from the start with the design settings', () => {
    standard.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    standard.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(standard.stack, standard.log.consumerFunction) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.stream), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 300,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.deadLetterQueue), 'Arn'] } },
      },
    });
  });

  it('fails if batchSize, maxBatchingWindow and retryAttempts are not applied', () => {
    // (the parallelization factor stays 1 whatever the props)
    custom.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 30,
      MaximumRetryAttempts: 3,
      ParallelizationFactor: 1,
    });
  });
});

describe('TalesLog Function URLs', () => {
  it('fails if the ingest and query URLs are not IAM-authenticated without CORS by default', () => {
    standard.template.resourceCountIs('AWS::Lambda::Url', 2);
    for (const fn of ['ingestFunction', 'queryFunction'] as const) {
      standard.template.hasResourceProperties('AWS::Lambda::Url', {
        TargetFunctionArn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log[fn]), 'Arn'] },
        AuthType: 'AWS_IAM',
        Cors: Match.absent(),
      });
    }
  });

  it('fails if the default stack lets anyone but the compaction schedule invoke a function', () => {
    const permissions = Object.values(standard.template.findResources('AWS::Lambda::Permission'));
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.compactorFunction), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.node.findChild('CompactionSchedule')), 'Arn'] },
      },
    ]);
  });

  it('fails if CORS origins do not allow the signed-request headers and the right method', () => {
    const cors = (method: string) => ({
      AllowOrigins: ['https://explorer.example.com'],
      AllowMethods: [method],
      AllowHeaders: ['authorization', 'content-type', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'],
      MaxAge: 3600,
    });
    custom.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Cors: cors('GET') });
    custom.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Cors: cors('POST') });
  });

  it('fails if urlAuthType NONE does not make both URLs public, as asked', () => {
    const { template } = bare;
    expect(Object.values(template.findResources('AWS::Lambda::Url')).map((url) => url.Properties.AuthType)).toEqual(['NONE', 'NONE']);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
      2,
    );
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
      2,
    );
  });
});

describe('TalesLog alarms', () => {
  it('fails if any of the ten alarms is missing', () => {
    standard.template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    expect(standard.log.alarms.map((alarm) => alarm.node.id)).toEqual([
      'ConsumerIteratorAgeAlarm',
      'DeadLetterQueueAlarm',
      'IngestErrorsAlarm',
      'IngestThrottlesAlarm',
      'ConsumerErrorsAlarm',
      'ConsumerThrottlesAlarm',
      'QueryErrorsAlarm',
      'QueryThrottlesAlarm',
      'CompactorErrorsAlarm',
      'CompactorThrottlesAlarm',
    ]);
  });

  it('fails if the consumer iterator age alarm is not at 30 minutes on the maximum', () => {
    standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(standard.stack, standard.log.consumerFunction) } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1_800_000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fails if one message in the dead-letter queue does not raise an alarm', () => {
    standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.deadLetterQueue), 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it.each(['ingestFunction', 'consumerFunction', 'queryFunction', 'compactorFunction'] as const)(
    'fails if the %s has no errors and throttles alarms',
    (fn) => {
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(standard.stack, standard.log[fn]) } }];
      for (const metric of ['Errors', 'Throttles']) {
        standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metric,
          Dimensions: dimensions,
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    },
  );

  it('fails if the thresholds given as props are not used', () => {
    custom.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 7_200_000 });
    custom.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 5 }, 4);
    custom.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 3 }, 4);
  });

  it('fails if the alarms have actions without a topic, or miss the topic when given', () => {
    expect(Object.values(standard.template.findResources('AWS::CloudWatch::Alarm')).every((alarm) => !alarm.Properties.AlarmActions)).toBe(
      true,
    );
    const topic = { Ref: logicalIdOf(custom.stack, custom.stack.node.findChild('Alerts')) };
    // every alarm notifies the topic on ALARM and on OK
    custom.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] }, 10);
  });
});

describe('TalesLog compaction', () => {
  it('fails if the compactor does not run daily at 01:30 UTC by default', () => {
    standard.template.resourceCountIs('AWS::Events::Rule', 1);
    standard.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 1 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.compactorFunction), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it('fails if compactionSchedule is not used', () => {
    custom.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(15 3 * * ? *)' });
  });

  it('fails if enableCompaction false leaves a compactor, its schedule or its alarms behind', () => {
    expect(bare.log.compactorFunction).toBeUndefined();
    bare.template.resourceCountIs('AWS::Events::Rule', 0);
    bare.template.resourceCountIs('AWS::Lambda::Function', 3);
    bare.template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    expect(bare.log.alarms.map((alarm) => alarm.node.id).filter((id) => id.startsWith('Compactor'))).toEqual([]);
  });
});

type FunctionName = 'ingestFunction' | 'consumerFunction' | 'queryFunction' | 'compactorFunction';

function environmentOf(synth: SynthesizedLog, fn: FunctionName): Record<string, unknown> {
  return synth.template.toJSON().Resources[logicalIdOf(synth.stack, synth.log[fn])].Properties.Environment.Variables;
}
