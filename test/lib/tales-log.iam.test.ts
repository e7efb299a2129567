import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, objectPatternOf, resourcesOf, type Statement, type SynthesizedLog, statementsOf, synthLog } from './synth';

interface Granted extends SynthesizedLog {
  readonly caller: iam.Role;
  readonly producer: iam.Role;
}

// GIVEN the default log, and one with a prefix and a customer-managed stream key whose grant helpers were
// called for a caller role (both Function URLs) and a producer role (SDK PutRecords).
let standard: Granted;
let keyed: Granted;
beforeAll(() => {
  standard = synthGranted({});
  keyed = synthGranted({ prefix: 'tales/', key: true });
});

function synthGranted({ prefix, key }: { prefix?: string; key?: boolean }): Granted {
  let caller: iam.Role | undefined;
  let producer: iam.Role | undefined;
  const synth = synthLog(
    (stack) => ({
      ...(prefix ? { prefix } : {}),
      ...(key ? { streamEncryptionKey: new kms.Key(stack, 'StreamKey', { enableKeyRotation: true }) } : {}),
    }),
    (stack, log) => {
      caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
      producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
      log.grantQuery(caller);
      log.grantIngest(caller);
      log.grantPutRecords(producer);
    },
  );
  return { ...synth, caller: caller as iam.Role, producer: producer as iam.Role };
}

/** The two variants; `synth` is read when a test runs, after beforeAll. */
const VARIANTS = [
  { name: 'default', prefix: '', synth: () => standard },
  { name: 'prefixed, customer-managed key', prefix: 'tales/', synth: () => keyed },
];

const FUNCTIONS = ['ingestFunction', 'consumerFunction', 'queryFunction', 'compactorFunction', 'mergerFunction'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const arnOf = (synth: SynthesizedLog, construct: Parameters<typeof logicalIdOf>[1]) => ({
  'Fn::GetAtt': [logicalIdOf(synth.stack, construct), 'Arn'],
});
const bucketIdOf = (synth: SynthesizedLog) => logicalIdOf(synth.stack, synth.log.bucket);

/** Every IAM statement anywhere in the template: policies, inline role policies. */
function allStatements(synth: SynthesizedLog): Statement[] {
  const policies = Object.values(synth.template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );
  const inline = Object.values(synth.template.findResources('AWS::IAM::Role')).flatMap((role) =>
    (role.Properties.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement),
  );
  return [...policies, ...inline];
}

/** A function's statements other than writing its own logs. */
function permissionsOf(synth: SynthesizedLog, fn: FunctionName): Statement[] {
  const statements = statementsOf(synth, synth.log[fn]?.role as iam.IRole);
  const logs = statements.filter((statement) => actionsOf(statement).every((action) => LOG_ACTIONS.includes(action)));
  expect(logs).toHaveLength(1);
  return statements.filter((statement) => !logs.includes(statement));
}

describe('TalesLog IAM: nothing broad', () => {
  it.each(VARIANTS)('fails if any statement ($name) allows a wildcard action', ({ synth: variant }) => {
    const synth = variant();
    const actions = allStatements(synth).flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it.each(VARIANTS)('fails if any role ($name) carries a managed policy or trusts anything but Lambda', ({ synth: variant }) => {
    const synth = variant();
    for (const fn of FUNCTIONS) {
      const role = synth.template.toJSON().Resources[logicalIdOf(synth.stack, synth.log[fn]?.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it.each(VARIANTS)(
    'fails if an S3 write action ($name) reaches beyond the writer, rejected, compact, tier and erasures keys, or below aws/lambda/ of the failure destination',
    ({ synth: variant, prefix }) => {
      const synth = variant();
      const writes = allStatements(synth).filter((statement) =>
        actionsOf(statement).some((action) => /^s3:(Put|Delete|Abort|Restore|Replicate)/.test(action)),
      );
      expect(writes.length).toBeGreaterThan(0);
      const failureId = logicalIdOf(synth.stack, synth.log.failedBatchesBucket);
      const allowed = [
        `${prefix}v1/*/w/*`,
        `${prefix}rejected/*`,
        `${prefix}v1/*/compact/*`,
        `${prefix}v1/*/tier/*`,
        `${prefix}v1/*/w/*.tale`,
        `${prefix}v1/*/compact/*.blocks`,
        `${prefix}v1/*/compact/*.index.tale`,
        `${prefix}v1/*/compact/*.sources.json`,
        `${prefix}v1/*/tier/*.index.tale`,
        `${prefix}erasures/*`,
      ];
      for (const statement of writes) {
        for (const resource of resourcesOf(statement)) {
          const onData = objectPatternOf(resource, bucketIdOf(synth));
          if (onData === undefined) expect(objectPatternOf(resource, failureId)).toBe('aws/lambda/*');
          else expect(allowed).toContain(onData);
        }
      }
    },
  );

  it.each(VARIANTS)(
    'fails if a statement ($name) on the bucket itself is anything but a prefix-conditioned ListBucket',
    ({ synth: variant, prefix }) => {
      const synth = variant();
      const bucketArn = arnOf(synth, synth.log.bucket);
      const onBucket = allStatements(synth).filter((statement) =>
        resourcesOf(statement).some((resource) => JSON.stringify(resource) === JSON.stringify(bucketArn)),
      );
      for (const statement of onBucket) {
        expect(actionsOf(statement)).toEqual(['s3:ListBucket']);
        expect([
          { StringLike: { 's3:prefix': [`${prefix}v1/*`] } },
          { StringLike: { 's3:prefix': [`${prefix}erasures/*`] } },
          { StringLike: { 's3:prefix': [`${prefix}rejected/*`] } },
        ]).toContainEqual(statement.Condition);
      }
    },
  );
});

describe('TalesLog IAM: each function', () => {
  it.each(VARIANTS)('fails if ingest ($name) may do anything but put records (and encrypt them)', ({ synth: variant }) => {
    const synth = variant();
    const expected: unknown[] = [
      { Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: arnOf(synth, synth.log.stream) },
    ];
    if (synth.log.stream.encryptionKey) {
      expected.push({ Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: arnOf(synth, synth.log.stream.encryptionKey) });
    }
    expect(permissionsOf(synth, 'ingestFunction')).toEqual(expected);
  });

  it.each(VARIANTS)(
    'fails if query ($name) may do anything but read and list <prefix>v1/ and keep <prefix>erasures/',
    ({ synth: variant, prefix }) => {
      const synth = variant();
      const statements = permissionsOf(synth, 'queryFunction');
      const bucketId = bucketIdOf(synth);
      const [data, erasures, ...others] = statements.filter((statement) => !actionsOf(statement).includes('s3:ListBucket'));
      expect(others).toEqual([]);
      expect(data && actionsOf(data)).toEqual(['s3:GetObject']);
      expect(data && objectPatternOf(data.Resource, bucketId)).toBe(`${prefix}v1/*`);
      expect(erasures && actionsOf(erasures)).toEqual(['s3:GetObject', 's3:PutObject']);
      expect(erasures && objectPatternOf(erasures.Resource, bucketId)).toBe(`${prefix}erasures/*`);
      const lists = statements.filter((statement) => actionsOf(statement).includes('s3:ListBucket'));
      expect(lists).toEqual(
        [`${prefix}v1/*`, `${prefix}erasures/*`].map((pattern) => ({
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: arnOf(synth, synth.log.bucket),
          Condition: { StringLike: { 's3:prefix': [pattern] } },
        })),
      );
    },
  );

  it.each(VARIANTS)(
    'fails if the consumer ($name) has more than stream reads, writer-key writes, manifest reads and the failure destination',
    ({ synth: variant, prefix }) => {
      const synth = variant();
      const statements = permissionsOf(synth, 'consumerFunction');
      const bucketId = bucketIdOf(synth);
      const failureArn = arnOf(synth, synth.log.failedBatchesBucket);
      const [dataPuts, failurePuts] = splitOn(statements, 's3:PutObject', failureArn);
      expect(resourcesOf(dataPuts).map((resource) => objectPatternOf(resource, bucketId))).toEqual([
        `${prefix}v1/*/w/*`,
        `${prefix}rejected/*`,
      ]);
      expect(objectPatternOf(find(statements, 's3:GetObject').Resource, bucketId)).toBe(`${prefix}v1/*`);
      const [dataList, failureList] = splitOn(statements, 's3:ListBucket', failureArn);
      expect(dataList.Condition).toEqual({ StringLike: { 's3:prefix': [`${prefix}v1/*`] } });
      // Lambda lists the failure destination before it writes there; that bucket holds nothing else.
      expect(failureList).toEqual({ Effect: 'Allow', Action: 's3:ListBucket', Resource: failureArn });
      expect(find(statements, 'kinesis:GetRecords').Resource).toEqual(arnOf(synth, synth.log.stream));
      // The failure destination: Lambda writes given-up batches below aws/lambda/ of its own bucket, nothing else there.
      expect(failurePuts).toEqual({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [failureArn, '/aws/lambda/*']] },
      });
      const kinesisActions = statements.flatMap(actionsOf).filter((action) => action.startsWith('kinesis:'));
      expect(kinesisActions.filter((action) => /Put|Create|Delete|Update|Merge|Split|Increase|Decrease/.test(action))).toEqual([]);
      const s3Actions = statements.flatMap(actionsOf).filter((action) => action.startsWith('s3:'));
      expect(s3Actions.sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:ListBucket', 's3:PutObject', 's3:PutObject']);
    },
  );

  it.each(VARIANTS)(
    'fails if the compactor ($name) may write outside compact/, erasures/ and rejected/, delete anything but writer chunks, its own compact objects and tier/, or touch the failure destination beyond aws/lambda/',
    ({ synth: variant, prefix }) => {
      const synth = variant();
      const failureArn = arnOf(synth, synth.log.failedBatchesBucket);
      const onFailure = (statement: Statement) => JSON.stringify(statement.Resource).includes(JSON.stringify(failureArn));
      const all = permissionsOf(synth, 'compactorFunction');
      const statements = all.filter((statement) => !onFailure(statement));
      const bucketId = bucketIdOf(synth);
      const patternsOf = (action: string) =>
        statements
          .filter((statement) => actionsOf(statement).includes(action))
          .flatMap(resourcesOf)
          .map((resource) => objectPatternOf(resource, bucketId))
          .sort();
      expect([...new Set(statements.flatMap(actionsOf))].sort()).toEqual([
        's3:AbortMultipartUpload',
        's3:DeleteObject',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
      ]);
      expect(patternsOf('s3:GetObject')).toEqual([`${prefix}erasures/*`, `${prefix}rejected/*`, `${prefix}v1/*`]);
      expect(patternsOf('s3:PutObject')).toEqual([`${prefix}erasures/*`, `${prefix}rejected/*`, `${prefix}v1/*/compact/*`]);
      expect(patternsOf('s3:AbortMultipartUpload')).toEqual([`${prefix}v1/*/compact/*`]);
      // Writer chunks and the day's tier/ once compacted, the objects of a compaction that failed before its
      // commit, and a purged day's replaced generation.
      expect(patternsOf('s3:DeleteObject')).toEqual([
        `${prefix}v1/*/compact/*.blocks`,
        `${prefix}v1/*/compact/*.index.tale`,
        `${prefix}v1/*/compact/*.sources.json`,
        `${prefix}v1/*/tier/*`,
        `${prefix}v1/*/w/*.tale`,
      ]);
      expect(
        statements.filter((statement) => actionsOf(statement).includes('s3:ListBucket')).map((statement) => statement.Condition),
      ).toEqual([
        { StringLike: { 's3:prefix': [`${prefix}v1/*`] } },
        { StringLike: { 's3:prefix': [`${prefix}erasures/*`] } },
        { StringLike: { 's3:prefix': [`${prefix}rejected/*`] } },
      ]);
      // The erasure purge: every version of the failed batches below aws/lambda/, read, rewritten or deleted.
      expect(all.filter(onFailure)).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
          Resource: { 'Fn::Join': ['', [failureArn, '/aws/lambda/*']] },
        },
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions'], Resource: failureArn },
      ]);
    },
  );

  it.each(VARIANTS)('fails if the merger ($name) may write outside tier/ or delete anything but segments', ({ synth: variant, prefix }) => {
    const synth = variant();
    const statements = permissionsOf(synth, 'mergerFunction');
    const bucketId = bucketIdOf(synth);
    const patternsOf = (action: string) => resourcesOf(find(statements, action)).map((resource) => objectPatternOf(resource, bucketId));
    expect(statements.flatMap(actionsOf).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(patternsOf('s3:GetObject')).toEqual([`${prefix}v1/*`]);
    expect(patternsOf('s3:PutObject')).toEqual([`${prefix}v1/*/tier/*`]);
    expect(patternsOf('s3:DeleteObject')).toEqual([`${prefix}v1/*/tier/*.index.tale`]);
  });

  it('fails if the consumer cannot decrypt a stream under a customer-managed key', () => {
    const statement = find(permissionsOf(keyed, 'consumerFunction'), 'kms:Decrypt');
    expect(statement.Resource).toEqual(arnOf(keyed, keyed.log.stream.encryptionKey as kms.IKey));
  });
});

describe('TalesLog grant helpers', () => {
  it.each([
    { helper: 'grantQuery', fn: 'queryFunction' },
    { helper: 'grantIngest', fn: 'ingestFunction' },
  ] as const)('fails if $helper does not give both invoke actions, through the URL only', ({ fn }) => {
    const statements = statementsOf(standard, standard.caller).filter((statement) =>
      resourcesOf(statement).some((resource) => JSON.stringify(resource) === JSON.stringify(arnOf(standard, standard.log[fn]))),
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunctionUrl',
        Resource: arnOf(standard, standard.log[fn]),
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
      },
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: arnOf(standard, standard.log[fn]),
        Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } },
      },
    ]);
  });

  it('fails if the caller gets any function but the two it was granted', () => {
    const resources = statementsOf(standard, standard.caller).flatMap(resourcesOf);
    expect(resources).not.toContainEqual(arnOf(standard, standard.log.consumerFunction));
    expect(new Set(resources.map((resource) => JSON.stringify(resource))).size).toBe(2);
  });

  it.each(VARIANTS)(
    'fails if grantPutRecords ($name) gives more than PutRecord(s) and, for a customer key, GenerateDataKey',
    ({ synth: variant }) => {
      const synth = variant();
      const expected: unknown[] = [
        { Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: arnOf(synth, synth.log.stream) },
      ];
      if (synth.log.stream.encryptionKey) {
        expected.push({ Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: arnOf(synth, synth.log.stream.encryptionKey) });
      }
      expect(statementsOf(synth, synth.producer)).toEqual(expected);
    },
  );

  it('fails if the grants touch the functions themselves (resource policies) instead of the grantee', () => {
    const permissions = Object.values(standard.template.findResources('AWS::Lambda::Permission'));
    expect(permissions.map((permission) => permission.Properties.Principal)).toEqual(['events.amazonaws.com', 'events.amazonaws.com']);
  });
});

/** The two statements with `action`: the one on the data bucket, then the one on `failureArn` (the bucket or below it). */
function splitOn(statements: Statement[], action: string, failureArn: unknown): [Statement, Statement] {
  const onFailure = (statement: Statement) => JSON.stringify(statement.Resource).includes(JSON.stringify(failureArn));
  const found = statements.filter((statement) => actionsOf(statement).includes(action));
  const data = found.filter((statement) => !onFailure(statement));
  const failure = found.filter(onFailure);
  expect(data, `one data-bucket statement with ${action}`).toHaveLength(1);
  expect(failure, `one failure-destination statement with ${action}`).toHaveLength(1);
  return [data[0] as Statement, failure[0] as Statement];
}

function find(statements: Statement[], action: string): Statement {
  const found = statements.filter((statement) => actionsOf(statement).includes(action));
  expect(found, `one statement with ${action}`).toHaveLength(1);
  return found[0] as Statement;
}
