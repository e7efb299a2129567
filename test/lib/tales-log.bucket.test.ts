import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { synthLog } from './synth';

describe('TalesLog with an existing bucket', () => {
  it('fails if it creates a bucket instead of writing to the one given (a bucket retained by cdk destroy)', () => {
    // GIVEN a retained bucket, reattached by name
    const { template } = synthLog((stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Retained', 'tales-data-retained') }));
    // THEN no data bucket is created (only the failure destination, which is always the stack's own),
    // and the functions are configured with, and granted on, the given one
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }[];
    const buckets = fns.map((f) => f.Properties.Environment?.Variables?.TALES_BUCKET).filter((b) => b !== undefined);
    expect(buckets.length).toBeGreaterThan(0);
    expect(new Set(buckets)).toEqual(new Set(['tales-data-retained']));
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('arn:');
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain(':s3:::tales-data-retained/v1/*');
  });

  it('fails if it accepts settings of a new bucket beside an existing one', () => {
    expect(() =>
      synthLog((stack) => ({
        bucket: s3.Bucket.fromBucketName(stack, 'Retained', 'tales-data'),
        retentionDays: 30,
        removalPolicy: RemovalPolicy.DESTROY,
      })),
    ).toThrow(new RangeError('retentionDays, removalPolicy configure a new bucket: leave them unset with an existing bucket'));
  });
});
