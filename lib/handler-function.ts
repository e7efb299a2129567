import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundleHandler } from './bundle-handler';

/**
 * The repository root, where the handlers are `lambdas/<name>/index.ts`; in the npm package it is `dist/`,
 * where they are prebuilt bundles `lambdas/<name>/index.js` (with roaring-wasm's `index.wasm` beside each).
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The handlers; each is `lambdas/<name>/index.ts` exporting `handler`. */
export type HandlerName = 'ingest' | 'consumer' | 'query' | 'compactor' | 'merger';

export interface HandlerFunctionSpec {
  readonly name: HandlerName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** @default - none */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One handler as a Lambda function, with its own role and log group (ids `<id>`, `<id>Role`, `<id>LogGroup`).
 * The role starts empty apart from writing to that log group: every other permission is granted by the caller.
 */
export function createHandlerFunction(scope: Construct, id: string, spec: HandlerFunctionSpec): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
    retention: spec.logRetention,
    // Logs are operational and bounded by their retention; the data that must survive lives in the bucket.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // An explicit role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every log group.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Tales ${spec.name} function`,
  });
  logGroup.grantWrite(role);

  const fn = new lambda.Function(scope, id, {
    code: handlerCode(spec.name),
    handler: 'index.handler',
    description: spec.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: spec.memorySize,
    timeout: spec.timeout,
    ...(spec.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: spec.reservedConcurrentExecutions } : {}),
    role,
    logGroup,
    environment: { ...spec.environment, NODE_OPTIONS: '--enable-source-maps' },
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime every test, bench and local run uses (the project pins it as a devDependency); ' +
      'moving to Node.js 24 is a one-line change once it has been tested.',
  });
  return fn;
}

/**
 * The package ships the bundles `npm pack` built (pack/build.ts), so a user's synth needs neither esbuild nor
 * our sources; in the repository the same bundler runs at synth (skipped where a test turns bundling off).
 */
function handlerCode(name: HandlerName): lambda.Code {
  const dir = join(PROJECT_ROOT, 'lambdas', name);
  if (existsSync(join(dir, 'index.js'))) return lambda.Code.fromAsset(dir);
  return lambda.Code.fromAsset(dir, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds (no Docker engine is needed or used).
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      local: {
        tryBundle: (outDir) => {
          bundleHandler(PROJECT_ROOT, name, outDir);
          return true;
        },
      },
    },
  });
}
