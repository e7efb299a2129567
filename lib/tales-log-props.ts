import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { KeyLayout } from '../shared/layout/keys';

export interface TalesLogProps {
  /**
   * Key prefix of everything Tales writes in its bucket: '' or a path ending in '/', e.g. 'tales/'.
   * Every S3 grant is scoped below it.
   * @default '' - keys start at the bucket root (`v1/…`, `rejected/…`)
   */
  readonly prefix?: string;

  /**
   * Shards of a provisioned stream, 1..500; each shard is one writer (≈ 1 MB/s or 1,000 records/s in).
   * @default - on-demand capacity mode (shards follow the traffic)
   */
  readonly shardCount?: number;

  /**
   * How long the stream keeps records, 24 hours..365 days: the time an outage of the consumer may last
   * before events are lost.
   * @default Duration.hours(24)
   */
  readonly streamRetention?: Duration;

  /**
   * A customer-managed KMS key for the stream's encryption at rest.
   * @default - the AWS-managed key `alias/aws/kinesis`: no key policy to manage, no KMS charge per call,
   * and producers in the account need no KMS permissions
   */
  readonly streamEncryptionKey?: kms.IKey;

  /**
   * An existing bucket to keep the data in, e.g. the one a `cdk destroy` retained:
   * `s3.Bucket.fromBucketName(this, 'Data', '<BucketName>')` reattaches it with its data. The stack then
   * neither creates nor configures a bucket, so `versioned`, `retentionDays`, `removalPolicy` and
   * `serverAccessLogsBucket` must be left unset (they are that bucket's own settings).
   * @default - a new bucket, private, TLS only, SSE-S3, retained when it leaves the stack
   */
  readonly bucket?: s3.IBucket;

  /**
   * Keep object versions. Manifests are rewritten on every batch, so noncurrent versions expire after 30 days.
   * @default false
   */
  readonly versioned?: boolean;

  /**
   * Delete objects below the prefix this many days after they were written (1..36500).
   * @default - objects are kept forever
   */
  readonly retentionDays?: number;

  /**
   * What happens to the bucket when it leaves the stack. With DESTROY, CloudFormation deletes it only
   * once it is empty (there is no auto-delete: the data outlives a careless `cdk destroy`).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A bucket that receives the data bucket's server access logs.
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Key prefix of the server access logs in `serverAccessLogsBucket`.
   * @default 'tales-access-logs/'
   */
  readonly serverAccessLogsPrefix?: string;

  /**
   * Records per consumer batch, 1..10000.
   * @default 10000
   */
  readonly batchSize?: number;

  /**
   * How long the event source gathers records before invoking the consumer (at most 5 minutes):
   * the chunk interval, and so how soon an event is queryable. Longer windows make fewer, larger chunks;
   * the merger keeps the query's cost flat in the number of chunks either way.
   * @default Duration.seconds(60)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Retries of a failing consumer batch (0..10000) before it goes, records included, to the failure
   * destination bucket (replay it with `tales replay`). With `maxRecordAge` it sets how long an S3 outage
   * the consumer rides out without giving up a batch.
   * @default 10000 - the age bound decides
   */
  readonly retryAttempts?: number;

  /**
   * Age of a batch's oldest record past which the consumer gives it up to the failure destination
   * (1 minute..7 days); keep it below `streamRetention`, which must also cover it.
   * @default Duration.hours(6) - rides out an S3 outage of hours
   */
  readonly maxRecordAge?: Duration;

  /**
   * Concurrency reserved for the consumer, so that a flood of queries cannot throttle writing until records
   * expire. One batch runs per shard at a time: reserve at least the shard count.
   * @default - shardCount, or 10 for an on-demand stream
   */
  readonly consumerReservedConcurrency?: number;

  /**
   * Concurrency reserved for (and capping) the query function.
   * @default - none: the query shares the account's unreserved concurrency
   */
  readonly queryReservedConcurrency?: number;

  /**
   * An email address subscribed to the alarm topic the stack creates (confirm the subscription email).
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * Run the compactor on `compactionSchedule`: it merges each closed day's writer chunks into one indexed
   * object and then deletes the merged chunks. Without it, queries read every chunk of every day.
   * @default true
   */
  readonly enableCompaction?: boolean;

  /**
   * When the compactor runs (it compacts every closed day of its lookback window).
   * @default Schedule.cron({ minute: '30', hour: '2' }) - daily at 02:30 UTC, half an hour after the
   * previous day closes (26 h after it ends: the skew window plus the batching delay)
   */
  readonly compactionSchedule?: Schedule;

  /**
   * Run the merger on `mergeSchedule`: it folds each open day's new writer chunks into merged index
   * segments (indexes only; no data moves), so a query opens a few segments instead of every chunk.
   * @default true
   */
  readonly enableMerging?: boolean;

  /**
   * When the merger runs. Chunks written since its last run are read one by one until it runs again.
   * @default Schedule.rate(Duration.minutes(5))
   */
  readonly mergeSchedule?: Schedule;

  /**
   * Authentication of the ingest and query Function URLs. NONE makes both public: choose it only on purpose.
   * @default FunctionUrlAuthType.AWS_IAM
   */
  readonly urlAuthType?: FunctionUrlAuthType;

  /**
   * Origins allowed to call the Function URLs from a browser (CORS), e.g. ['https://explorer.example.com'].
   * @default - no CORS configuration (browsers on other origins are refused)
   */
  readonly corsAllowedOrigins?: string[];

  /**
   * Retention of each function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * The consumer's iterator age (how far it lags behind the stream) that raises an alarm.
   * A healthy consumer lags up to one batching window.
   * @default Duration.minutes(30)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;

  /**
   * Errors of one function within 5 minutes that raise its alarm (1 or more).
   * @default 1
   */
  readonly errorsAlarmThreshold?: number;

  /**
   * Throttled invocations of one function within 5 minutes that raise its alarm (1 or more).
   * @default 1
   */
  readonly throttlesAlarmThreshold?: number;

  /**
   * How far before the ingest's clock an event's `time` may be. Widen it to backfill older history
   * (docs/local.md, Importing and backfilling), then deploy without it: days close this long plus 2 h
   * after they end (TALES_CLOSE_AFTER_MS of the query, merger and compactor), so the days a backfill
   * writes stay open meanwhile.
   * @default Duration.hours(24)
   */
  readonly ingestSkewPast?: Duration;

  /**
   * A topic notified when any alarm changes to ALARM or back to OK.
   * @default - a topic the construct creates (`alarmTopic` of the construct)
   */
  readonly alarmTopic?: sns.ITopic;
}

/** The props that stay optional once defaults are applied: absent means "none" or "the construct's own". */
type UndefaultedProp =
  | 'bucket'
  | 'shardCount'
  | 'streamEncryptionKey'
  | 'retentionDays'
  | 'serverAccessLogsBucket'
  | 'alarmTopic'
  | 'queryReservedConcurrency'
  | 'alarmEmail'
  | 'ingestSkewPast';

/** The props with every default applied. */
export type ResolvedTalesLogProps = Required<Omit<TalesLogProps, UndefaultedProp | 'consumerReservedConcurrency'>> &
  Pick<TalesLogProps, UndefaultedProp> & {
    readonly consumerReservedConcurrency: number;
  };

/** Lambda's limits for a Kinesis event source mapping. */
const MAX_BATCH_SIZE = 10_000;
const MAX_RETRY_ATTEMPTS = 10_000;
/** Characters that mean something in an IAM resource or condition (`*`, `?`, `${…}`) are refused in the prefix. */
const SAFE_PREFIX = /^[A-Za-z0-9!_.'()/-]*$/;

/** Applies the defaults and throws, naming the prop and the bad value, for anything out of range. */
export function resolveTalesLogProps(props: TalesLogProps): ResolvedTalesLogProps {
  const prefix = props.prefix ?? '';
  new KeyLayout(prefix);
  if (!SAFE_PREFIX.test(prefix) || prefix.startsWith('/') || prefix.includes('//')) {
    throw new RangeError(`prefix may hold only letters, digits and !_.'()/- without empty segments (given "${prefix}")`);
  }
  if (props.bucket) {
    const own = (['versioned', 'retentionDays', 'removalPolicy', 'serverAccessLogsBucket'] as const).filter((k) => props[k] !== undefined);
    if (own.length > 0) throw new RangeError(`${own.join(', ')} configure a new bucket: leave them unset with an existing bucket`);
  }
  checkInteger('shardCount', props.shardCount, 1, 500);
  checkInteger('retentionDays', props.retentionDays, 1, 36_500);
  checkInteger('batchSize', props.batchSize, 1, MAX_BATCH_SIZE);
  checkInteger('retryAttempts', props.retryAttempts, 0, MAX_RETRY_ATTEMPTS);
  checkInteger('errorsAlarmThreshold', props.errorsAlarmThreshold, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('throttlesAlarmThreshold', props.throttlesAlarmThreshold, 1, Number.MAX_SAFE_INTEGER);

  if (props.ingestSkewPast && props.ingestSkewPast.toMilliseconds() > Duration.days(366).toMilliseconds()) {
    throw new RangeError(`ingestSkewPast must be at most 366 days (given ${props.ingestSkewPast.toHumanString()})`);
  }
  const streamRetention = props.streamRetention ?? Duration.hours(24);
  const retentionHours = streamRetention.toHours({ integral: false });
  if (retentionHours < 24 || retentionHours > 8760) {
    throw new RangeError(`streamRetention must be 24 hours..365 days (given ${streamRetention.toHumanString()})`);
  }
  const maxBatchingWindow = props.maxBatchingWindow ?? Duration.seconds(60);
  if (maxBatchingWindow.toMilliseconds() > Duration.minutes(5).toMilliseconds()) {
    throw new RangeError(`maxBatchingWindow must be at most 5 minutes (given ${maxBatchingWindow.toHumanString()})`);
  }
  const iteratorAgeAlarmThreshold = props.iteratorAgeAlarmThreshold ?? Duration.minutes(30);
  if (iteratorAgeAlarmThreshold.toMilliseconds() <= 0) {
    throw new RangeError(`iteratorAgeAlarmThreshold must be positive (given ${iteratorAgeAlarmThreshold.toHumanString()})`);
  }
  const maxRecordAge = props.maxRecordAge ?? Duration.hours(6);
  const ageSeconds = maxRecordAge.toSeconds({ integral: false });
  if (ageSeconds < 60 || ageSeconds > 604_800) {
    throw new RangeError(`maxRecordAge must be 1 minute..7 days (given ${maxRecordAge.toHumanString()})`);
  }
  if (ageSeconds > streamRetention.toSeconds({ integral: false })) {
    throw new RangeError(
      `maxRecordAge (${maxRecordAge.toHumanString()}) must not exceed streamRetention (${streamRetention.toHumanString()}): records would expire before they are given up`,
    );
  }
  checkInteger('consumerReservedConcurrency', props.consumerReservedConcurrency, 1, 10_000);
  checkInteger('queryReservedConcurrency', props.queryReservedConcurrency, 1, 10_000);
  const corsAllowedOrigins = props.corsAllowedOrigins ?? [];
  for (const origin of corsAllowedOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new RangeError(`corsAllowedOrigins must be '*' or scheme://host[:port] without a path (given "${origin}")`);
    }
  }

  return {
    ...props,
    prefix,
    streamRetention,
    versioned: props.versioned ?? false,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    serverAccessLogsPrefix: props.serverAccessLogsPrefix ?? 'tales-access-logs/',
    batchSize: props.batchSize ?? MAX_BATCH_SIZE,
    maxBatchingWindow,
    retryAttempts: props.retryAttempts ?? MAX_RETRY_ATTEMPTS,
    maxRecordAge,
    consumerReservedConcurrency: props.consumerReservedConcurrency ?? props.shardCount ?? 10,
    enableCompaction: props.enableCompaction ?? true,
    compactionSchedule: props.compactionSchedule ?? Schedule.cron({ minute: '30', hour: '2' }),
    enableMerging: props.enableMerging ?? true,
    mergeSchedule: props.mergeSchedule ?? Schedule.rate(Duration.minutes(5)),
    urlAuthType: props.urlAuthType ?? FunctionUrlAuthType.AWS_IAM,
    corsAllowedOrigins,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    iteratorAgeAlarmThreshold,
    errorsAlarmThreshold: props.errorsAlarmThreshold ?? 1,
    throttlesAlarmThreshold: props.throttlesAlarmThreshold ?? 1,
  };
}

function checkInteger(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be ${max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `${min}..${max}`} (given ${value})`,
    );
  }
}
