import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { actionsOf, logicalIdOf, objectPatternOf, resourcesOf, statementsOf, synthLog } from './synth';

// GIVEN a log whose grantErase was called for a data-protection role and a user, and grantQuery for a reader.
function synthErase() {
  const principals: { eraser?: iam.Role; user?: iam.User; reader?: iam.Role } = {};
  const synth = synthLog({}, (stack, log) => {
    principals.eraser = new iam.Role(stack, 'Eraser', { assumedBy: new iam.AccountRootPrincipal() });
    principals.user = new iam.User(stack, 'Auditor');
    principals.reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    log.grantErase(principals.eraser);
    log.grantErase(principals.user);
    log.grantQuery(principals.reader);
  });
  return { ...synth, ...(principals as Required<typeof principals>) };
}

describe('TalesLog.grantErase', () => {
  const synth = synthErase();
  const queryEnv = () => {
    const fn = synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(synth.stack, synth.log.queryFunction)];
    return fn?.Properties.Environment.Variables as Record<string, unknown>;
  };

  it('WHEN granted THEN the query Lambda lists exactly the granted principals in TALES_ERASERS', () => {
    expect(queryEnv().TALES_ERASERS).toEqual({
      'Fn::Join': [
        '',
        [
          { 'Fn::GetAtt': [logicalIdOf(synth.stack, synth.eraser), 'Arn'] },
          ',',
          { 'Fn::GetAtt': [logicalIdOf(synth.stack, synth.user), 'Arn'] },
        ],
      ],
    });
  });

  it('fails if a reader with grantQuery alone is listed as an eraser (it gets a 403 from the handler)', () => {
    expect(JSON.stringify(queryEnv().TALES_ERASERS)).not.toContain(logicalIdOf(synth.stack, synth.reader));
  });

  it('WHEN granted THEN the eraser may invoke the query Function URL, and nothing else', () => {
    const actions = statementsOf(synth, synth.eraser).flatMap(actionsOf).sort();
    expect(actions).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
  });

  it('lets the query Lambda read and write the erasure records, and only them beside the data', () => {
    const bucketId = logicalIdOf(synth.stack, synth.log.bucket);
    const statements = statementsOf(synth, synth.log.queryFunction.role as iam.IRole);
    const erasureObjects = statements.filter((s) => resourcesOf(s).some((r) => objectPatternOf(r, bucketId) === 'erasures/*'));
    expect(erasureObjects.flatMap(actionsOf).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    const writes = statements.filter((s) => actionsOf(s).includes('s3:PutObject')).flatMap(resourcesOf);
    expect(writes.map((r) => objectPatternOf(r, bucketId))).toEqual(['erasures/*']);
  });

  it('fails if given a principal that is neither a role nor a user', () => {
    expect(() =>
      synthLog({}, (_stack, log) => {
        log.grantErase(new iam.AccountRootPrincipal());
      }),
    ).toThrow(/^grantErase needs an IAM role or user \(given /);
  });

  it('leaves TALES_ERASERS empty when nobody is granted (every erasure is a 403)', () => {
    const plain = synthLog();
    const fn = plain.template.findResources('AWS::Lambda::Function')[logicalIdOf(plain.stack, plain.log.queryFunction)];
    expect(fn?.Properties.Environment.Variables.TALES_ERASERS).toBe('');
  });
});
