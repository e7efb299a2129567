import { App, Duration, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TalesLog, type TalesLogProps } from '../../lib/tales-log';
import { resolveTalesLogProps } from '../../lib/tales-log-props';
import { SKIP_BUNDLING } from './synth';

/** Props are checked first thing in the constructor, so a bad one throws before any resource exists. */
function construct(props: TalesLogProps): Stack {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
  new TalesLog(stack, 'TalesLog', props);
  return stack;
}

describe('TalesLog props: rejected values', () => {
  it.each<[string, TalesLogProps, string]>([
    ['no shards', { shardCount: 0 }, 'shardCount must be 1..500 (given 0)'],
    ['too many shards', { shardCount: 501 }, 'shardCount must be 1..500 (given 501)'],
    ['a fractional shard count', { shardCount: 2.5 }, 'shardCount must be 1..500 (given 2.5)'],
    ['an empty batch', { batchSize: 0 }, 'batchSize must be 1..10000 (given 0)'],
    ['a batch over the Kinesis mapping limit', { batchSize: 10_001 }, 'batchSize must be 1..10000 (given 10001)'],
    [
      'a batching window over 5 minutes',
      { maxBatchingWindow: Duration.minutes(6) },
      'maxBatchingWindow must be at most 5 minutes (given 6 minutes)',
    ],
    ['negative retries', { retryAttempts: -1 }, 'retryAttempts must be 0..10000 (given -1)'],
    ['retries over the Kinesis mapping limit', { retryAttempts: 10_001 }, 'retryAttempts must be 0..10000 (given 10001)'],
    ['a record age under a minute', { maxRecordAge: Duration.seconds(30) }, 'maxRecordAge must be 1 minute..7 days (given 30 seconds)'],
    [
      'a record age past the stream retention',
      { streamRetention: Duration.days(2), maxRecordAge: Duration.days(3) },
      'maxRecordAge (3 days) must not exceed streamRetention (2 days): records would expire before they are given up',
    ],
    ['no consumer concurrency', { consumerReservedConcurrency: 0 }, 'consumerReservedConcurrency must be 1..10000 (given 0)'],
    ['a fractional query concurrency', { queryReservedConcurrency: 1.5 }, 'queryReservedConcurrency must be 1..10000 (given 1.5)'],
    ['zero retention days', { retentionDays: 0 }, 'retentionDays must be 1..36500 (given 0)'],
    [
      'a skew window past the ingest limit',
      { ingestSkewPast: Duration.days(367) },
      'ingestSkewPast must be at most 366 days (given 367 days)',
    ],
    [
      'a stream retention under a day',
      { streamRetention: Duration.hours(12) },
      'streamRetention must be 24 hours..365 days (given 12 hours)',
    ],
    [
      'a stream retention over a year',
      { streamRetention: Duration.days(366) },
      'streamRetention must be 24 hours..365 days (given 366 days)',
    ],
    [
      'a zero iterator age threshold',
      { iteratorAgeAlarmThreshold: Duration.seconds(0) },
      'iteratorAgeAlarmThreshold must be positive (given 0 seconds)',
    ],
    ['a zero errors threshold', { errorsAlarmThreshold: 0 }, 'errorsAlarmThreshold must be an integer of at least 1 (given 0)'],
    [
      'a fractional throttles threshold',
      { throttlesAlarmThreshold: 0.5 },
      'throttlesAlarmThreshold must be an integer of at least 1 (given 0.5)',
    ],
    ['a prefix without a trailing slash', { prefix: 'tales' }, 'key prefix must be empty or end with "/" (given "tales")'],
    [
      'a prefix with a leading slash',
      { prefix: '/tales/' },
      `prefix may hold only letters, digits and !_.'()/- without empty segments (given "/tales/")`,
    ],
    [
      'a prefix with an empty segment',
      { prefix: 'a//b/' },
      `prefix may hold only letters, digits and !_.'()/- without empty segments (given "a//b/")`,
    ],
    [
      'a prefix with an IAM wildcard',
      { prefix: 'a*/' },
      `prefix may hold only letters, digits and !_.'()/- without empty segments (given "a*/")`,
    ],
    [
      'a prefix with a policy variable',
      // A literal policy variable, which IAM would expand per caller.
      { prefix: '$' + '{aws:username}/' },
      `prefix may hold only letters, digits and !_.'()/- without empty segments (given "\${aws:username}/")`,
    ],
    [
      'a CORS origin without a scheme',
      { corsAllowedOrigins: ['example.com'] },
      `corsAllowedOrigins must be '*' or scheme://host[:port] without a path (given "example.com")`,
    ],
    [
      'a CORS origin with a path',
      { corsAllowedOrigins: ['https://example.com/app'] },
      `corsAllowedOrigins must be '*' or scheme://host[:port] without a path (given "https://example.com/app")`,
    ],
  ])('fails if %s is accepted', (_, props, message) => {
    // WHEN / THEN
    expect(() => construct(props)).toThrow(message);
  });

  it('fails if a bad prop leaves half a construct behind', () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
    expect(() => new TalesLog(stack, 'TalesLog', { batchSize: 0 })).toThrow(RangeError);
    expect(stack.node.findAll().filter((child) => child.node.path.includes('TalesLog/'))).toEqual([]);
  });

  it('fails if any shard count outside 1..500 is accepted, or any inside refused (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000, max: 2_000 }), (shardCount) => {
        const inRange = shardCount >= 1 && shardCount <= 500;
        if (inRange) expect(resolveTalesLogProps({ shardCount }).shardCount).toBe(shardCount);
        else expect(() => resolveTalesLogProps({ shardCount })).toThrow(`shardCount must be 1..500 (given ${shardCount})`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('TalesLog props: accepted values and defaults', () => {
  it('fails if the documented defaults change', () => {
    const resolved = resolveTalesLogProps({});
    expect(resolved).toMatchObject({
      prefix: '',
      versioned: false,
      batchSize: 10_000,
      retryAttempts: 10_000,
      consumerReservedConcurrency: 10,
      enableCompaction: true,
      enableMerging: true,
      corsAllowedOrigins: [],
      errorsAlarmThreshold: 1,
      throttlesAlarmThreshold: 1,
      serverAccessLogsPrefix: 'tales-access-logs/',
    });
    expect(resolved.shardCount).toBeUndefined();
    expect(resolved.retentionDays).toBeUndefined();
    expect(resolved.maxBatchingWindow.toSeconds()).toBe(60);
    expect(resolved.streamRetention.toHours()).toBe(24);
    expect(resolved.iteratorAgeAlarmThreshold.toMinutes()).toBe(30);
    expect(resolved.maxRecordAge.toHours()).toBe(6);
    expect(resolved.compactionSchedule.expressionString).toBe('cron(30 2 * * ? *)');
    expect(resolved.queryReservedConcurrency).toBeUndefined();
    expect(resolved.alarmEmail).toBeUndefined();
    // One batch per shard at a time: a provisioned stream reserves one execution per shard.
    expect(resolveTalesLogProps({ shardCount: 4 }).consumerReservedConcurrency).toBe(4);
    expect(resolved.mergeSchedule.expressionString).toBe('rate(5 minutes)');
  });

  it.each<[string, TalesLogProps]>([
    ['one shard', { shardCount: 1 }],
    ['500 shards', { shardCount: 500 }],
    ['a batch of one', { batchSize: 1 }],
    ['no batching window', { maxBatchingWindow: Duration.seconds(0) }],
    ['a 5-minute window', { maxBatchingWindow: Duration.minutes(5) }],
    ['no retries', { retryAttempts: 0 }],
    ['a one-minute record age', { maxRecordAge: Duration.minutes(1) }],
    ['a week of record age with a week of stream retention', { streamRetention: Duration.days(7), maxRecordAge: Duration.days(7) }],
    ['one day of retention', { retentionDays: 1 }],
    ['a year of stream retention', { streamRetention: Duration.days(365) }],
    ['a nested prefix', { prefix: "tenant-7/app_(v2)/logs.d/it's!/" }],
    ['any origin', { corsAllowedOrigins: ['*'] }],
    ['an origin with a port', { corsAllowedOrigins: ['http://localhost:5173'] }],
  ])('fails if %s is refused', (_, props) => {
    expect(() => resolveTalesLogProps(props)).not.toThrow();
  });
});
