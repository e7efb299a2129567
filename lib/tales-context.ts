import { Duration } from 'aws-cdk-lib';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { Node } from 'constructs';
import type { TalesLogProps } from './tales-log-props';

/** The CDK context keys the stack reads (`npx cdk deploy -c shardCount=4`, or `context` in cdk.json). */
const CONTEXT_KEYS = ['prefix', 'shardCount', 'retentionDays', 'batchWindowSeconds', 'urlAuth', 'corsOrigins', 'alarmTopicArn'] as const;

/** Context values arrive as strings from `-c`, and as JSON values from cdk.json. */
export interface TalesContext {
  readonly props: Omit<TalesLogProps, 'alarmTopic'>;
  readonly alarmTopicArn?: string;
}

/** Reads the stack's settings from CDK context; a value of the wrong kind throws naming the key and the value. */
export function readTalesContext(node: Node): TalesContext {
  const value = (key: (typeof CONTEXT_KEYS)[number]): unknown => node.tryGetContext(key);
  const prefix = stringOf('prefix', value('prefix'));
  const shardCount = integerOf('shardCount', value('shardCount'));
  const retentionDays = integerOf('retentionDays', value('retentionDays'));
  const batchWindowSeconds = integerOf('batchWindowSeconds', value('batchWindowSeconds'));
  const urlAuth = stringOf('urlAuth', value('urlAuth'));
  const corsOrigins = stringOf('corsOrigins', value('corsOrigins'));
  const alarmTopicArn = stringOf('alarmTopicArn', value('alarmTopicArn'));
  if (urlAuth !== undefined && urlAuth !== 'AWS_IAM' && urlAuth !== 'NONE') {
    throw new TypeError(`context "urlAuth" must be AWS_IAM or NONE (given "${urlAuth}")`);
  }
  if (batchWindowSeconds !== undefined && batchWindowSeconds < 0) {
    throw new RangeError(`context "batchWindowSeconds" must be 0..300 (given ${batchWindowSeconds})`);
  }
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(alarmTopicArn)) {
    throw new TypeError(`context "alarmTopicArn" must be an SNS topic ARN (given "${alarmTopicArn}")`);
  }
  return {
    props: {
      ...(prefix !== undefined ? { prefix } : {}),
      ...(shardCount !== undefined ? { shardCount } : {}),
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      ...(batchWindowSeconds !== undefined ? { maxBatchingWindow: Duration.seconds(batchWindowSeconds) } : {}),
      ...(urlAuth === 'NONE' ? { urlAuthType: FunctionUrlAuthType.NONE } : {}),
      ...(corsOrigins ? { corsAllowedOrigins: corsOrigins.split(',').map((origin) => origin.trim()) } : {}),
    },
    ...(alarmTopicArn !== undefined ? { alarmTopicArn } : {}),
  };
}

function stringOf(key: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new TypeError(`context "${key}" must be a string (given ${JSON.stringify(raw)})`);
  return raw;
}

function integerOf(key: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`context "${key}" must be an integer (given ${JSON.stringify(raw)})`);
  }
  return value;
}
