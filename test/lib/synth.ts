import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { TalesLog, type TalesLogProps } from '../../lib/tales-log';

/** Context that skips asset bundling: template assertions need no bundles, and esbuild takes seconds. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface SynthesizedLog {
  readonly stack: Stack;
  readonly log: TalesLog;
  readonly template: Template;
}

/**
 * A stack 'Test' holding one TalesLog (id 'TalesLog'). `props` may be a function of the stack, for props that
 * are constructs themselves (keys, buckets, topics); `extend` adds to the stack before the template is taken.
 */
export function synthLog(
  props: TalesLogProps | ((stack: Stack) => TalesLogProps) = {},
  extend?: (stack: Stack, log: TalesLog) => void,
): SynthesizedLog {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  const log = new TalesLog(stack, 'TalesLog', typeof props === 'function' ? props(stack) : props);
  extend?.(stack, log);
  return { stack, log, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(stack: Stack, construct: IConstruct | undefined): string {
  if (!construct) throw new Error('no such construct');
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of the identity policies attached to `role`. */
export function statementsOf({ stack, template }: SynthesizedLog, role: IRole): Statement[] {
  const roleId = logicalIdOf(stack, role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      ((policy.Properties.Roles ?? []) as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The key pattern of a `<bucket ARN>/<pattern>` object resource, or undefined for anything else. */
export function objectPatternOf(resource: unknown, bucketId: string): string | undefined {
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join?.[0] !== '' || join[1].length !== 2) return undefined;
  const [arn, suffix] = join[1];
  if (JSON.stringify(arn) !== JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] }) || typeof suffix !== 'string') return undefined;
  return suffix.startsWith('/') ? suffix.slice(1) : undefined;
}
