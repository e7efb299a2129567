/**
 * Who may erase. A Function URL with IAM auth lets anyone holding `lambda:InvokeFunctionUrl` call every
 * route, so the erase grant is a list of principal ARNs (TalesLog.grantErase) that the handler checks
 * against the signer the URL reports in `requestContext.authorizer.iam`.
 */
export class EraserPolicy {
  private readonly allowed: ReadonlySet<string>;
  private readonly anyone: boolean;

  /** `arns`: IAM role and user ARNs; `*` lets any caller erase (local mode, which has no IAM). */
  constructor(arns: readonly string[]) {
    this.anyone = arns.includes('*');
    this.allowed = new Set(arns.filter((arn) => arn !== '*').map(principalOf));
  }

  allows(principal: string | undefined): boolean {
    if (this.anyone) return true;
    return principal !== undefined && this.allowed.has(principalOf(principal));
  }
}

/**
 * One name for a principal however IAM spells it: a role's ARN (with or without a path) and the
 * `sts:assumed-role/<name>/<session>` ARN its sessions sign as are both `<account>:role/<name>`; a
 * user's ARN is `<account>:user/<name>`. Anything else stays as given.
 */
export function principalOf(arn: string): string {
  const assumed = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (assumed) return `${assumed[1]}:role/${assumed[2]}`;
  const named = /^arn:[^:]+:iam::(\d{12}):(role|user)\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  if (named) return `${named[1]}:${named[2]}/${named[3]}`;
  return arn;
}
