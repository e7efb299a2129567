import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { LAYOUT_VERSION } from '../shared/layout/keys';
import { createHandlerFunction } from './handler-function';
import { S3FailureDestination } from './s3-failure-destination';
import { type ResolvedTalesLogProps, resolveTalesLogProps, type TalesLogProps } from './tales-log-props';

export type { TalesLogProps } from './tales-log-props';

/** The period of every alarm's metric. */
const ALARM_PERIOD = Duration.minutes(5);

/** Headers a browser sends with a SigV4-signed request. */
const SIGNED_REQUEST_HEADERS = ['authorization', 'content-type', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];

/**
 * Tales on AWS: a Kinesis stream that producers (or the ingest Function URL) write events to, a consumer
 * Lambda that turns each shard's batches into indexed chunks in S3, a query Function URL that reads them,
 * a scheduled merger that folds the open days' new chunks into merged index segments, and a scheduled
 * compactor that merges each closed day.
 *
 * Construct ids are a contract (renaming one replaces the resource, and the bucket is retained):
 * Stream, Bucket, FailedBatches, AlarmTopic, Ingest, Consumer, Query, Compactor, Merger (each with its Role and
 * LogGroup), CompactionSchedule, MergeSchedule, and the alarms.
 */
export class TalesLog extends Construct {
  /** Key prefix of everything Tales writes in the bucket ('' or ending in '/'). */
  readonly prefix: string;
  readonly stream: kinesis.Stream;
  readonly bucket: s3.IBucket;
  /**
   * The consumer's on-failure destination: each batch given up after its retries or past its record age,
   * stored whole (records and data) below `aws/lambda/`. `tales replay` stores them exactly once.
   */
  readonly failedBatchesBucket: s3.Bucket;
  /** Every alarm notifies it (on ALARM and back to OK): `alarmTopic` if given, else one created here. */
  readonly alarmTopic: sns.ITopic;
  readonly ingestFunction: lambda.Function;
  readonly consumerFunction: lambda.Function;
  readonly queryFunction: lambda.Function;
  /** Undefined when `enableCompaction` is false. */
  readonly compactorFunction?: lambda.Function;
  /** Undefined when `enableMerging` is false. */
  readonly mergerFunction?: lambda.Function;
  /** `POST <url>events` */
  readonly ingestUrl: lambda.FunctionUrl;
  /** `GET <url>events?actors=…` */
  readonly queryUrl: lambda.FunctionUrl;
  readonly alarms: cloudwatch.Alarm[] = [];

  private readonly props: ResolvedTalesLogProps;
  /** Principal ARNs grantErase named: the query Lambda's TALES_ERASERS. */
  private readonly erasers: string[] = [];

  constructor(scope: Construct, id: string, props: TalesLogProps = {}) {
    super(scope, id);
    this.props = resolveTalesLogProps(props);
    this.prefix = this.props.prefix;

    this.stream = this.createStream();
    this.bucket = this.props.bucket ?? this.createBucket();
    this.failedBatchesBucket = this.createFailedBatchesBucket();
    this.alarmTopic = this.props.alarmTopic ?? this.createAlarmTopic();
    if (this.props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(this.props.alarmEmail));

    this.ingestFunction = this.createIngest();
    this.consumerFunction = this.createConsumer();
    this.queryFunction = this.createQuery();
    if (this.props.enableCompaction) this.compactorFunction = this.createCompactor();
    if (this.props.enableMerging) this.mergerFunction = this.createMerger();
    this.ingestUrl = this.addUrl(this.ingestFunction, lambda.HttpMethod.POST);
    this.queryUrl = this.addUrl(this.queryFunction, lambda.HttpMethod.GET);

    this.addConsumerAlarms();
    this.addUrlAlarms('Ingest', this.ingestFunction);
    this.addUrlAlarms('Query', this.queryFunction);
    this.addFunctionAlarms('Ingest', this.ingestFunction);
    this.addFunctionAlarms('Consumer', this.consumerFunction);
    this.addFunctionAlarms('Query', this.queryFunction);
    if (this.compactorFunction) this.addFunctionAlarms('Compactor', this.compactorFunction);
    if (this.mergerFunction) this.addFunctionAlarms('Merger', this.mergerFunction);
  }

  /**
   * Lets `grantee` call the query Function URL: `lambda:InvokeFunctionUrl` and, as Function URLs created
   * since October 2025 require, `lambda:InvokeFunction` (only through the URL).
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    return this.queryFunction.grantInvokeUrl(grantee);
  }

  /**
   * Lets `grantee` erase actors (`DELETE /actors/{id}`) and read erasures (`GET /erasures/{id}`) on the query
   * Function URL, besides querying. IAM cannot tell one route of a Function URL from another, so the grant
   * is also the principal's ARN in the query Lambda's TALES_ERASERS, checked against the signer that the
   * URL reports: a caller with grantQuery alone gets a 403. `grantee` must be an IAM role or user.
   */
  grantErase(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    const arn = principal instanceof iam.User ? principal.userArn : 'roleArn' in principal ? (principal as iam.IRole).roleArn : undefined;
    if (arn === undefined) throw new TypeError(`grantErase needs an IAM role or user (given ${principal.toString()})`);
    this.erasers.push(arn);
    return this.grantQuery(grantee);
  }

  /** Lets `grantee` call the ingest Function URL (both invoke actions, as `grantQuery`). */
  grantIngest(grantee: iam.IGrantable): iam.Grant {
    return this.ingestFunction.grantInvokeUrl(grantee);
  }

  /** Lets an SDK producer put records on the stream (and use its key when it is customer-managed); nothing else. */
  grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    const grant = this.stream.grant(grantee, 'kinesis:PutRecord', 'kinesis:PutRecords');
    this.stream.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
    return grant;
  }

  private createStream(): kinesis.Stream {
    const { shardCount, streamEncryptionKey, streamRetention } = this.props;
    const stream = new kinesis.Stream(this, 'Stream', {
      ...(shardCount === undefined
        ? { streamMode: kinesis.StreamMode.ON_DEMAND }
        : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount }),
      retentionPeriod: streamRetention,
      ...(streamEncryptionKey
        ? { encryption: kinesis.StreamEncryption.KMS, encryptionKey: streamEncryptionKey }
        : { encryption: kinesis.StreamEncryption.MANAGED }),
    });
    if (streamEncryptionKey) {
      Validations.of(stream).acknowledge({
        id: 'AwsSolutions-KDS3',
        reason:
          'The deployer passed a customer-managed key on purpose (streamEncryptionKey), for key-policy control or ' +
          'compliance; the KMS cost per producer and consumer call that comes with it is accepted.',
      });
    }
    return stream;
  }

  private createBucket(): s3.Bucket {
    const { versioned, retentionDays, removalPolicy, serverAccessLogsBucket, serverAccessLogsPrefix, prefix } = this.props;
    const lifecycleRules: s3.LifecycleRule[] = [
      // The compactor writes with multipart uploads; parts of one that died must not be billed forever.
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ];
    if (retentionDays !== undefined) {
      lifecycleRules.push({ id: 'Retention', ...(prefix ? { prefix } : {}), expiration: Duration.days(retentionDays) });
    }
    if (versioned) {
      lifecycleRules.push({ id: 'NoncurrentVersions', noncurrentVersionExpiration: Duration.days(30) });
    }
    const bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned,
      lifecycleRules,
      removalPolicy,
      ...(serverAccessLogsBucket ? { serverAccessLogsBucket, serverAccessLogsPrefix } : {}),
    });
    if (!serverAccessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Server access logs need a second bucket the stack would have to own; they are opt-in (serverAccessLogsBucket). ' +
          'Every write comes from the consumer role and every read from the query role, both logged in CloudWatch.',
      });
    }
    return bucket;
  }

  private createFailedBatchesBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'FailedBatches', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // As AWS recommends for an on-failure destination: a replayed batch that is removed stays recoverable.
      versioned: true,
      lifecycleRules: [{ id: 'NoncurrentVersions', noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: this.props.removalPolicy,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only the consumer role writes here (Lambda on a given-up batch) and only tales replay reads; the objects are alarmed on.',
    });
    return bucket;
  }

  private createAlarmTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Tales alarms', enforceSSL: true });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states, no data; CloudWatch cannot publish to a topic under the AWS-managed SNS key, ' +
        'and a customer-managed key per stack is a cost the deployer can choose by passing alarmTopic.',
    });
    return topic;
  }

  private createIngest(): lambda.Function {
    const fn = createHandlerFunction(this, 'Ingest', {
      name: 'ingest',
      description: 'Tales ingest: validates events posted to its Function URL and puts them on the stream',
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: { TALES_STREAM_NAME: this.stream.streamName, ...this.skewEnvironment() },
      logRetention: this.props.logRetention,
    });
    this.grantPutRecords(fn);
    return fn;
  }

  private createConsumer(): lambda.Function {
    const { batchSize, maxBatchingWindow, retryAttempts, maxRecordAge, consumerReservedConcurrency } = this.props;
    // A 10,000-record batch (up to 6 MB) decoded, sorted, indexed and compressed per UTC day, then a few S3 writes.
    const fn = createHandlerFunction(this, 'Consumer', {
      name: 'consumer',
      description: 'Tales consumer: writes each shard batch as indexed chunks and manifests in S3',
      memorySize: 1024,
      timeout: Duration.minutes(2),
      environment: { ...this.dataEnvironment(), ...this.closeAfterEnvironment() },
      logRetention: this.props.logRetention,
      reservedConcurrentExecutions: consumerReservedConcurrency,
    });
    fn.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize,
        maxBatchingWindow,
        // One batch per shard at a time: each writer's objects (chunks, manifest, watermark) must have exactly
        // one author, which is what makes the exactly-once write safe without locks. Never raise it.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts,
        maxRecordAge,
        onFailure: new S3FailureDestination(this.failedBatchesBucket),
      }),
    );
    const failedBatchesId = Stack.of(this).resolve((this.failedBatchesBucket.node.defaultChild as s3.CfnBucket).logicalId);
    Validations.of(fn.role as iam.IRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${failedBatchesId}.Arn>/aws/lambda/*]`,
      reason:
        'Lambda names each failed-batch object at run time below aws/lambda/ in the failure destination bucket, ' +
        'so the grant is that key pattern (PutObject only) in a bucket that holds nothing else.',
    });
    // Writer keys only (chunks and manifests below w/, and rejected records): never a day's compact/ folder,
    // whose metadata tells the compactor's sweep what to delete.
    this.grantObjects(fn, ['s3:PutObject'], [`${LAYOUT_VERSION}/*/w/*`, 'rejected/*']);
    this.grantReadData(fn);
    return fn;
  }

  private createQuery(): lambda.Function {
    const fn = createHandlerFunction(this, 'Query', {
      name: 'query',
      description: 'Tales query: answers actor-scoped queries from the chunks in S3',
      memorySize: 1024,
      timeout: Duration.seconds(30),
      // Queries stay clear of the days the bucket's lifecycle is expiring.
      environment: { ...this.dataEnvironment(), ...this.closeAfterEnvironment(), ...retentionEnvironment(this.props.retentionDays) },
      logRetention: this.props.logRetention,
      ...(this.props.queryReservedConcurrency !== undefined ? { reservedConcurrentExecutions: this.props.queryReservedConcurrency } : {}),
    });
    this.grantReadData(fn);
    // The erasure records: read by every query (the erased set), written by DELETE /actors/{id}.
    this.grantObjects(fn, ['s3:GetObject', 's3:PutObject'], ['erasures/*']);
    this.grantList(fn, 'erasures/*');
    fn.addEnvironment('TALES_ERASERS', Lazy.string({ produce: () => this.erasers.join(',') }));
    return fn;
  }

  private createCompactor(): lambda.Function {
    // A closed day's chunks re-encoded into one time-ordered index and data object, streamed a block at a time.
    const fn = createHandlerFunction(this, 'Compactor', {
      name: 'compactor',
      description: "Tales compactor: re-encodes each closed day's writer chunks into one indexed object",
      memorySize: 2048,
      timeout: Duration.minutes(15),
      // One run at a time: a purge deletes every uncommitted generation past its grace, so an overlapping
      // run (a forced one beside the schedule) would commit objects already gone. A second invoke is throttled.
      reservedConcurrentExecutions: 1,
      environment: { ...this.dataEnvironment(), ...this.closeAfterEnvironment() },
      logRetention: this.props.logRetention,
    });
    this.grantReadData(fn);
    // It writes only a day's compact/ folder (multipart, so it may abort its own uploads), and deletes only
    // writer chunks (`*.tale` below w/): never a manifest, which the consumer continues from.
    this.grantObjects(fn, ['s3:PutObject', 's3:AbortMultipartUpload'], [`${LAYOUT_VERSION}/*/compact/*`]);
    // It also deletes the objects of a compaction that failed before its commit, once a day is compacted its
    // merged segments and their manifest (tier/), which queries of a compacted day no longer read, and a
    // purged day's replaced generation (compact/ objects that still hold erased events).
    this.grantObjects(
      fn,
      ['s3:DeleteObject'],
      [
        `${LAYOUT_VERSION}/*/w/*.tale`,
        `${LAYOUT_VERSION}/*/compact/*.blocks`,
        `${LAYOUT_VERSION}/*/compact/*.index.tale`,
        `${LAYOUT_VERSION}/*/compact/*.sources.json`,
        `${LAYOUT_VERSION}/*/tier/*`,
      ],
    );
    // The purge after each run reads the erased set and settles the erasure records, and rewrites the
    // rejected/ objects and failed batches holding records of an erased actor.
    this.grantObjects(fn, ['s3:GetObject', 's3:PutObject'], ['erasures/*', 'rejected/*']);
    this.grantList(fn, 'erasures/*');
    this.grantList(fn, 'rejected/*');
    this.grantFailurePurge(fn);
    new events.Rule(this, 'CompactionSchedule', {
      description: 'Runs the Tales compactor over the closed days of its lookback window',
      schedule: this.props.compactionSchedule,
      targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
    });
    return fn;
  }

  /**
   * The purge's access to the failure destination, which keeps versions: it reads every version below
   * aws/lambda/, rewrites a batch without an erased actor's records (or deletes it), and deletes each
   * version that held one.
   */
  private grantFailurePurge(fn: lambda.Function): void {
    const bucket = this.failedBatchesBucket;
    fn.addEnvironment('TALES_FAILURE_BUCKET', bucket.bucketName);
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      resourceArns: [bucket.arnForObjects('aws/lambda/*')],
    });
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket', 's3:ListBucketVersions'], resourceArns: [bucket.bucketArn] });
    const failedBatchesId = Stack.of(this).resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId);
    Validations.of(fn.role as iam.IRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${failedBatchesId}.Arn>/aws/lambda/*]`,
      reason:
        'The erasure purge reads and rewrites failed batches named at run time below aws/lambda/ of the failure destination, a bucket that holds nothing else.',
    });
  }

  private createMerger(): lambda.Function {
    // Reads chunk and segment indexes, writes one segment and the tier manifest per open day: small and quick.
    const fn = createHandlerFunction(this, 'Merger', {
      name: 'merger',
      description: "Tales merger: folds each open day's new chunks into merged index segments",
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: { ...this.dataEnvironment(), ...this.closeAfterEnvironment() },
      logRetention: this.props.logRetention,
    });
    this.grantReadData(fn);
    // It writes only a day's tier/ folder; a second merger's commit fails on the manifest's ETag, not on a grant.
    this.grantObjects(fn, ['s3:PutObject'], [`${LAYOUT_VERSION}/*/tier/*`]);
    // It deletes segments it superseded, once their grace period is over: never the tier manifest.
    this.grantObjects(fn, ['s3:DeleteObject'], [`${LAYOUT_VERSION}/*/tier/*.index.tale`]);
    new events.Rule(this, 'MergeSchedule', {
      description: 'Runs the Tales merger over the open days',
      schedule: this.props.mergeSchedule,
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });
    return fn;
  }

  /** The ingest's skew window, when a backfill widens it. */
  private skewEnvironment(): Record<string, string> {
    const skew = this.props.ingestSkewPast;
    return skew ? { TALES_SKEW_PAST_MS: String(skew.toMilliseconds()) } : {};
  }

  /** Days close the skew window plus the batching delay after they end: a wider window keeps them open longer. */
  private closeAfterEnvironment(): Record<string, string> {
    const skew = this.props.ingestSkewPast;
    return skew ? { TALES_CLOSE_AFTER_MS: String(skew.plus(Duration.hours(2)).toMilliseconds()) } : {};
  }

  private dataEnvironment(): Record<string, string> {
    return { TALES_BUCKET: this.bucket.bucketName, TALES_PREFIX: this.prefix };
  }

  /** Reading the data below `<prefix>v1/`: its objects, and listing it (see grantList for why a reader needs that). */
  private grantReadData(fn: lambda.Function): void {
    this.grantObjects(fn, ['s3:GetObject'], [`${LAYOUT_VERSION}/*`]);
    this.grantList(fn, `${LAYOUT_VERSION}/*`);
  }

  /** Object actions on keys below the prefix only; `patterns` are relative to it. */
  private grantObjects(fn: lambda.Function, actions: string[], patterns: string[]): void {
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions,
      resourceArns: patterns.map((pattern) => this.bucket.arnForObjects(`${this.prefix}${pattern}`)),
    });
    // cdk-nag names the resource as the template has it: the new bucket's Arn attribute, or a given bucket's ARN.
    const created = this.bucket.node.defaultChild as s3.CfnBucket | undefined;
    const bucketArn = created
      ? `<${Stack.of(this).resolve(created.logicalId)}.Arn>`
      : `arn:<AWS::Partition>:s3:::${this.bucket.bucketName}`;
    for (const pattern of patterns) {
      Validations.of(fn.role as iam.IRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${this.prefix}${pattern}]`,
        reason:
          'Object keys are named at run time (day, writer, sequence), so the grant is a key pattern; it is scoped ' +
          'to one folder below the Tales prefix, never to the whole bucket.',
      });
    }
  }

  /**
   * ListBucket for listings below `<prefix><pattern>`. S3 also checks it, with the key as `s3:prefix`,
   * to answer NoSuchKey rather than AccessDenied for a missing object.
   */
  private grantList(grantee: iam.IGrantable, pattern: string): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${this.prefix}${pattern}`] } },
    });
  }

  private addUrl(fn: lambda.Function, method: lambda.HttpMethod): lambda.FunctionUrl {
    const origins = this.props.corsAllowedOrigins;
    return fn.addFunctionUrl({
      authType: this.props.urlAuthType,
      ...(origins.length > 0
        ? { cors: { allowedOrigins: origins, allowedMethods: [method], allowedHeaders: SIGNED_REQUEST_HEADERS, maxAge: Duration.hours(1) } }
        : {}),
    });
  }

  private addConsumerAlarms(): void {
    const { iteratorAgeAlarmThreshold } = this.props;
    this.addAlarm('ConsumerIteratorAgeAlarm', {
      alarmDescription: `Tales consumer lags the stream by more than ${iteratorAgeAlarmThreshold.toHumanString()}: events are not being stored`,
      metric: this.consumerFunction.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: ALARM_PERIOD }),
      threshold: iteratorAgeAlarmThreshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.addAlarm('ConsumerWriteFailuresAlarm', {
      // The handler answers failed writes with batch item failures, so Lambda's Errors stays 0: this counts them.
      alarmDescription: 'Tales consumer could not write to S3 (WriteFailures): batches are being retried',
      metric: new cloudwatch.Metric({
        namespace: 'Tales',
        metricName: 'WriteFailures',
        dimensionsMap: { service: 'tales-consumer' },
        statistic: cloudwatch.Stats.SUM,
        period: ALARM_PERIOD,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.addAlarm('FailedBatchesAlarm', {
      // One object is one batch given up after every retry: its events are not stored until tales replay runs.
      alarmDescription: 'Tales consumer gave up on a batch: run tales replay (see docs/operations.md)',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/S3',
        metricName: 'NumberOfObjects',
        dimensionsMap: { BucketName: this.failedBatchesBucket.bucketName, StorageType: 'AllStorageTypes' },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.days(1),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }

  /** `<name>Url5xxAlarm`: the handlers answer 500 for their own errors, which Lambda's Errors does not count. */
  private addUrlAlarms(name: string, fn: lambda.IFunction): void {
    this.addAlarm(`${name}Url5xxAlarm`, {
      alarmDescription: `Tales ${name.toLowerCase()} Function URL answered 5xx`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Url5xxCount',
        dimensionsMap: { FunctionName: fn.functionName },
        statistic: cloudwatch.Stats.SUM,
        period: ALARM_PERIOD,
      }),
      threshold: this.props.errorsAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }

  /** `<name>ErrorsAlarm` and `<name>ThrottlesAlarm` for one function. */
  private addFunctionAlarms(name: string, fn: lambda.IFunction): void {
    this.addAlarm(`${name}ErrorsAlarm`, {
      alarmDescription: `Tales ${name.toLowerCase()} function errors`,
      metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: ALARM_PERIOD }),
      threshold: this.props.errorsAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.addAlarm(`${name}ThrottlesAlarm`, {
      alarmDescription: `Tales ${name.toLowerCase()} function throttles`,
      metric: fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: ALARM_PERIOD }),
      threshold: this.props.throttlesAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }

  private addAlarm(id: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods' | 'treatMissingData'>): void {
    // No data means no invocations or no messages: nothing is wrong.
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}

/** The bucket's retention, for the query Lambda; nothing when objects are kept forever. */
function retentionEnvironment(retentionDays: number | undefined): Record<string, string> {
  return retentionDays === undefined ? {} : { TALES_RETENTION_DAYS: String(retentionDays) };
}
