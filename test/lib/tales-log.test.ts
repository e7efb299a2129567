import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTalesLogProps } from '../../lib/tales-log-props';
import { logicalIdOf, type SynthesizedLog, synthLog } from './synth';

// Synthesizing takes about a second, so the file builds three stacks once: GIVEN default props ('standard'),
// GIVEN every prop changed from its default ('custom'), and GIVEN public URLs without compaction ('bare').
let standard: SynthesizedLog;
let custom: SynthesizedLog;
let bare: SynthesizedLog;
beforeAll(() => {
  standard = synthLog();
  bare = synthLog({ urlAuthType: FunctionUrlAuthType.NONE, enableCompaction: false, enableMerging: false });
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
    maxRecordAge: Duration.hours(12),
    consumerReservedConcurrency: 8,
    queryReservedConcurrency: 50,
    corsAllowedOrigins: ['https://explorer.example.com'],
    logRetention: RetentionDays.ONE_WEEK,
    iteratorAgeAlarmThreshold: Duration.hours(2),
    errorsAlarmThreshold: 5,
    throttlesAlarmThreshold: 3,
    alarmTopic: new sns.Topic(stack, 'Alerts'),
    compactionSchedule: Schedule.cron({ minute: '15', hour: '3' }),
    ingestSkewPast: Duration.days(40),
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
  it('fails if public access is not blocked entirely and encryption is not S3-managed, on the data and failure buckets', () => {
    // The data bucket and the consumer's failure destination.
    standard.template.resourceCountIs('AWS::S3::Bucket', 2);
    const resources = standard.template.toJSON().Resources;
    for (const bucket of [standard.log.bucket, standard.log.failedBatchesBucket]) {
      expect(resources[logicalIdOf(standard.stack, bucket)].Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
    }
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

describe('TalesLog failure destination', () => {
  it('fails if given-up batches do not go whole to a versioned, encrypted, TLS-only bucket', () => {
    const bucketId = logicalIdOf(standard.stack, standard.log.failedBatchesBucket);
    standard.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
    standard.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    standard.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 21_600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [bucketId, 'Arn'] } } },
    });
  });

  it('fails if maxRecordAge exceeds the stream retention', () => {
    expect(() => resolveTalesLogProps({ maxRecordAge: Duration.hours(25) })).toThrow(
      'maxRecordAge (1 day 1 hour) must not exceed streamRetention (1 day): records would expire before they are given up',
    );
  });

  it('fails if maxRecordAge is not applied', () => {
    custom.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRecordAgeInSeconds: 43_200 });
  });

  it('fails if noncurrent versions of replayed batches are kept forever', () => {
    const bucketId = logicalIdOf(standard.stack, standard.log.failedBatchesBucket);
    expect(standard.template.toJSON().Resources[bucketId].Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'NoncurrentVersions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }],
    });
  });
});

describe('TalesLog functions', () => {
  const cases = [
    { name: 'ingest', fn: 'ingestFunction', memory: 512, timeout: 30 },
    { name: 'consumer', fn: 'consumerFunction', memory: 1024, timeout: 120 },
    { name: 'query', fn: 'queryFunction', memory: 1024, timeout: 30 },
    { name: 'compactor', fn: 'compactorFunction', memory: 2048, timeout: 900 },
    { name: 'merger', fn: 'mergerFunction', memory: 1024, timeout: 300 },
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
        // The erasure purge cleans the failure destination too.
        ...(fn === 'compactorFunction'
          ? { TALES_FAILURE_BUCKET: { Ref: logicalIdOf(standard.stack, standard.log.failedBatchesBucket) } }
          : {}),
      });
      expect(environmentOf(custom, fn)).toMatchObject({ TALES_PREFIX: 'tales/' });
    },
  );

  it('fails if a backfill window (ingestSkewPast) does not widen the ingest skew and keep days open 2 h longer for every reader and writer', () => {
    expect(environmentOf(custom, 'ingestFunction')).toMatchObject({ TALES_SKEW_PAST_MS: '3456000000' });
    // The consumer reads it too: a chunk written after that marks its day late (the query would miss it else).
    for (const fn of ['queryFunction', 'compactorFunction', 'mergerFunction', 'consumerFunction'] as const) {
      expect(environmentOf(custom, fn)).toMatchObject({ TALES_CLOSE_AFTER_MS: '3463200000' });
      expect(environmentOf(standard, fn)).not.toHaveProperty('TALES_CLOSE_AFTER_MS');
    }
    expect(environmentOf(custom, 'ingestFunction')).not.toHaveProperty('TALES_CLOSE_AFTER_MS');
  });

  it('fails if the consumer has no reserved concurrency (10 for an on-demand stream) or the query one it was not given', () => {
    const resources = standard.template.toJSON().Resources;
    expect(resources[logicalIdOf(standard.stack, standard.log.consumerFunction)].Properties.ReservedConcurrentExecutions).toBe(10);
    expect(resources[logicalIdOf(standard.stack, standard.log.queryFunction)].Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('fails if more than one compactor can run at once (a purge deletes what an overlapping run has not committed)', () => {
    const resources = standard.template.toJSON().Resources;
    expect(resources[logicalIdOf(standard.stack, standard.log.compactorFunction)].Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('fails if consumerReservedConcurrency and queryReservedConcurrency are not applied', () => {
    const resources = custom.template.toJSON().Resources;
    expect(resources[logicalIdOf(custom.stack, custom.log.consumerFunction)].Properties.ReservedConcurrentExecutions).toBe(8);
    expect(resources[logicalIdOf(custom.stack, custom.log.queryFunction)].Properties.ReservedConcurrentExecutions).toBe(50);
  });

  it('fails if logRetention is not applied to every log group', () => {
    const groups = Object.values(custom.template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map((group) => group.Properties.RetentionInDays)).toEqual([7, 7, 7, 7, 7]);
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
      MaximumBatchingWindowInSeconds: 60,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10_000,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.failedBatchesBucket), 'Arn'] } },
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

  it('fails if the default stack lets anyone but the compaction and merge schedules invoke a function', () => {
    const permissions = Object.values(standard.template.findResources('AWS::Lambda::Permission'));
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.compactorFunction), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.node.findChild('CompactionSchedule')), 'Arn'] },
      },
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.mergerFunction), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.node.findChild('MergeSchedule')), 'Arn'] },
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
  it('fails if any of the fifteen alarms is missing, or one has no action on the alarm topic', () => {
    standard.template.resourceCountIs('AWS::CloudWatch::Alarm', 15);
    expect(standard.log.alarms.map((alarm) => alarm.node.id)).toEqual([
      'ConsumerIteratorAgeAlarm',
      'ConsumerWriteFailuresAlarm',
      'FailedBatchesAlarm',
      'IngestUrl5xxAlarm',
      'QueryUrl5xxAlarm',
      'IngestErrorsAlarm',
      'IngestThrottlesAlarm',
      'ConsumerErrorsAlarm',
      'ConsumerThrottlesAlarm',
      'QueryErrorsAlarm',
      'QueryThrottlesAlarm',
      'CompactorErrorsAlarm',
      'CompactorThrottlesAlarm',
      'MergerErrorsAlarm',
      'MergerThrottlesAlarm',
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

  it('fails if one object in the failure destination, or one consumer write failure, does not raise an alarm', () => {
    standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'NumberOfObjects',
      Dimensions: Match.arrayWith([{ Name: 'BucketName', Value: { Ref: logicalIdOf(standard.stack, standard.log.failedBatchesBucket) } }]),
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // The metric the consumer handler emits (test/lambdas/consumer/handler.test.ts), under Powertools' service dimension.
    standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Tales',
      MetricName: 'WriteFailures',
      Dimensions: [{ Name: 'service', Value: 'tales-consumer' }],
      Statistic: 'Sum',
      Threshold: 0,
    });
  });

  it.each(['ingestFunction', 'queryFunction'] as const)('fails if the %s URL has no 5xx alarm', (fn) => {
    standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Url5xxCount',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(standard.stack, standard.log[fn]) } }],
      Statistic: 'Sum',
    });
  });

  it('fails if the alarms do not notify a topic the stack creates, with an optional email subscription', () => {
    const topicId = logicalIdOf(standard.stack, standard.log.alarmTopic as sns.Topic);
    standard.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
    standard.template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthLog({ alarmEmail: 'ops@example.com' });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it.each(['ingestFunction', 'consumerFunction', 'queryFunction', 'compactorFunction', 'mergerFunction'] as const)(
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
    custom.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Threshold: 5 }, 5);
    custom.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 3 }, 5);
  });

  it('fails if an alarm misses the created topic, or a given topic does not replace it', () => {
    const created = { Ref: logicalIdOf(standard.stack, standard.log.alarmTopic as sns.Topic) };
    standard.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [created], OKActions: [created] }, 15);
    const given = { Ref: logicalIdOf(custom.stack, custom.stack.node.findChild('Alerts')) };
    // every alarm notifies the given topic on ALARM and on OK, and no other topic exists
    custom.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [given], OKActions: [given] }, 15);
    custom.template.resourceCountIs('AWS::SNS::Topic', 1);
  });
});

describe('TalesLog compaction', () => {
  it('fails if the compactor does not run daily at 02:30 UTC by default, after the previous day closes at 02:00', () => {
    standard.template.resourceCountIs('AWS::Events::Rule', 2);
    standard.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
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

  it('fails if enableCompaction and enableMerging false leave a compactor, a merger, their schedules or alarms behind', () => {
    expect(bare.log.compactorFunction).toBeUndefined();
    expect(bare.log.mergerFunction).toBeUndefined();
    bare.template.resourceCountIs('AWS::Events::Rule', 0);
    bare.template.resourceCountIs('AWS::Lambda::Function', 3);
    bare.template.resourceCountIs('AWS::CloudWatch::Alarm', 11);
    expect(bare.log.alarms.map((alarm) => alarm.node.id).filter((id) => id.startsWith('Compactor'))).toEqual([]);
  });
});

describe('TalesLog merging', () => {
  it('fails if the merger does not run every 5 minutes by default, without retries (the next run retries)', () => {
    standard.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(standard.stack, standard.log.mergerFunction), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
  });
});

type FunctionName = 'ingestFunction' | 'consumerFunction' | 'queryFunction' | 'compactorFunction' | 'mergerFunction';

function environmentOf(synth: SynthesizedLog, fn: FunctionName): Record<string, unknown> {
  return synth.template.toJSON().Resources[logicalIdOf(synth.stack, synth.log[fn])].Properties.Environment.Variables;
}
