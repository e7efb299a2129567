import { App } from 'aws-cdk-lib';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { readTalesContext } from '../../lib/tales-context';

const read = (context: Record<string, unknown>) => readTalesContext(new App({ context }).node);

describe('readTalesContext', () => {
  it('fails if an empty context sets anything (the construct defaults apply)', () => {
    expect(read({})).toEqual({ props: {} });
  });

  it('fails if `-c key=value` strings are not turned into typed props', () => {
    // GIVEN what `npx cdk deploy -c …` passes: strings only
    const { props, alarmTopicArn } = read({
      prefix: 'tales/',
      shardCount: '4',
      retentionDays: '90',
      batchWindowSeconds: '60',
      urlAuth: 'NONE',
      corsOrigins: 'https://a.example.com, https://b.example.com',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:tales-alarms',
    });
    // THEN
    expect(props).toMatchObject({
      prefix: 'tales/',
      shardCount: 4,
      retentionDays: 90,
      urlAuthType: FunctionUrlAuthType.NONE,
      corsAllowedOrigins: ['https://a.example.com', 'https://b.example.com'],
    });
    expect(props.maxBatchingWindow?.toSeconds()).toBe(60);
    expect(alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:tales-alarms');
  });

  it('fails if JSON numbers from cdk.json are not accepted as they are', () => {
    expect(read({ shardCount: 2, retentionDays: 30 }).props).toEqual({ shardCount: 2, retentionDays: 30 });
  });

  it('fails if urlAuth AWS_IAM does not leave the default in place', () => {
    expect(read({ urlAuth: 'AWS_IAM' }).props).toEqual({});
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a word for a number', { shardCount: 'four' }, 'context "shardCount" must be an integer (given "four")'],
    ['a fraction', { retentionDays: 2.5 }, 'context "retentionDays" must be an integer (given 2.5)'],
    ['a decimal string', { shardCount: '1.5' }, 'context "shardCount" must be an integer (given "1.5")'],
    ['a boolean', { batchWindowSeconds: true }, 'context "batchWindowSeconds" must be an integer (given true)'],
    ['a number for a string', { prefix: 5 }, 'context "prefix" must be a string (given 5)'],
    ['an unknown auth type', { urlAuth: 'none' }, 'context "urlAuth" must be AWS_IAM or NONE (given "none")'],
    ['a negative window', { batchWindowSeconds: '-1' }, 'context "batchWindowSeconds" must be 0..300 (given -1)'],
    [
      'a topic name for an ARN',
      { alarmTopicArn: 'tales-alarms' },
      'context "alarmTopicArn" must be an SNS topic ARN (given "tales-alarms")',
    ],
  ])('fails if %s is accepted', (_, context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
