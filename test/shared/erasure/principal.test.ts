import { describe, expect, it } from 'vitest';
import { EraserPolicy, principalOf } from '../../../shared/erasure/principal';

describe('EraserPolicy', () => {
  const policy = new EraserPolicy(['arn:aws:iam::123456789012:role/service-role/Dpo', 'arn:aws:iam::123456789012:user/auditor']);

  it.each([
    ['a session of the granted role', 'arn:aws:sts::123456789012:assumed-role/Dpo/session-1', true],
    ['the granted user', 'arn:aws:iam::123456789012:user/auditor', true],
    ['a role of the same name in another account', 'arn:aws:sts::999999999999:assumed-role/Dpo/s', false],
    ['another role', 'arn:aws:sts::123456789012:assumed-role/Reader/s', false],
    ['a user named like the role', 'arn:aws:iam::123456789012:user/Dpo', false],
    ['an unsigned caller', undefined, false],
  ])('%s: %s', (_name, principal, allowed) => {
    expect(policy.allows(principal)).toBe(allowed);
  });

  it('lets anyone erase only when told "*" (local mode), and nobody when given no ARN', () => {
    expect(new EraserPolicy(['*']).allows(undefined)).toBe(true);
    expect(new EraserPolicy([]).allows('arn:aws:sts::123456789012:assumed-role/Dpo/s')).toBe(false);
  });

  it('names a role and its sessions alike, keeping anything else as given', () => {
    expect(principalOf('arn:aws-cn:iam::123456789012:role/a/b/Name')).toBe('123456789012:role/Name');
    expect(principalOf('arn:aws:sts::123456789012:assumed-role/Name/x')).toBe('123456789012:role/Name');
    expect(principalOf('arn:aws:sts::123456789012:federated-user/bob')).toBe('arn:aws:sts::123456789012:federated-user/bob');
  });
});
