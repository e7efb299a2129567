import { App, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TalesStack } from '../../lib/tales-stack';
import { SKIP_BUNDLING, synthLog } from './synth';

/** What cdk-nag reports for a scope: the rule names of unacknowledged findings, with the construct paths. */
function findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`),
  );
}

/** Every acknowledgment recorded below `scope`: rule id → reasons. */
function acknowledgments(scope: IConstruct): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^Annotation::/, '').replace(/\[.*$/, '');
        found.set(rule, [...(found.get(rule) ?? []), reason]);
      }
    }
  }
  return found;
}

let stack: TalesStack;
beforeAll(() => {
  // GIVEN the deployable stack with its defaults
  stack = new TalesStack(new App({ context: SKIP_BUNDLING }), 'Tales');
});

describe('cdk-nag AwsSolutions checks', () => {
  it('fails if the default stack has an unacknowledged finding', () => {
    expect(findings(stack)).toEqual([]);
  });

  it('fails if a fully optioned log has an unacknowledged finding', () => {
    // GIVEN every optional resource a deployment can pass in, and a prefix
    const { stack: optioned } = synthLog((scope) => ({
      prefix: 'tales/',
      shardCount: 2,
      streamEncryptionKey: new kms.Key(scope, 'StreamKey', { enableKeyRotation: true }),
      serverAccessLogsBucket: accessLogsBucket(scope),
      alarmTopic: new sns.Topic(scope, 'Alerts', {
        enforceSSL: true,
        masterKey: new kms.Key(scope, 'TopicKey', { enableKeyRotation: true }),
      }),
    }));
    expect(findings(optioned)).toEqual([]);
  });

  it('fails if the checks cannot find anything (a plain bucket must be reported)', () => {
    const plain = new Stack(new App(), 'Plain');
    new s3.Bucket(plain, 'Bucket');
    expect(findings(plain)).toEqual(['AwsSolutions-S1 Plain/Bucket/Resource', 'AwsSolutions-S10 Plain/Bucket/Resource']);
  });

  it('fails if an acknowledgment is not one of the justified ones, or its reason is not a real sentence', () => {
    const acknowledged = acknowledgments(stack);
    expect([...acknowledged.keys()].sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SNS2']);
    for (const reason of [...acknowledged.values()].flat()) expect(reason.length).toBeGreaterThan(60);
  });

  it('fails if the acknowledgments do not follow the options', () => {
    // GIVEN an access-log bucket (S1 then holds for the data bucket, and stays acknowledged only for the failure
    // destination), a customer key (KDS3 warns of its cost: acknowledged as chosen) and no alarm topic (SNS2 for the created one)
    const { log } = synthLog((scope) => ({
      streamEncryptionKey: new kms.Key(scope, 'StreamKey', { enableKeyRotation: true }),
      serverAccessLogsBucket: accessLogsBucket(scope),
    }));
    expect([...acknowledgments(log).keys()].sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-KDS3',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SNS2',
    ]);
  });
});

/** An access-log bucket that itself passes the checks (it cannot log to itself). */
function accessLogsBucket(scope: Stack): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogs', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'The access-log bucket of the test cannot log to itself.' });
  return bucket;
}
