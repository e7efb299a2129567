import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: the handlers live in `lambdas/<name>/index.ts` below it. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The handlers; each is `lambdas/<name>/index.ts` exporting `handler`. */
export type HandlerName = 'ingest' | 'consumer' | 'query' | 'compactor';

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
export function createHandlerFunction(scope: Construct, id: string, spec: HandlerFunctionSpec): NodejsFunction {
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

  const fn = new NodejsFunction(scope, id, {
    entry: join(PROJECT_ROOT, 'lambdas', spec.name, 'index.ts'),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    description: spec.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: spec.memorySize,
    timeout: spec.timeout,
    ...(spec.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: spec.reservedConcurrentExecutions } : {}),
    role,
    logGroup,
    environment: { ...spec.environment, NODE_OPTIONS: '--enable-source-maps' },
    bundling: {
      forceDockerBundling: false,
      // CommonJS: roaring-wasm loads its wasm synchronously through require, and there is no top-level await.
      format: OutputFormat.CJS,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      // The SDK is bundled at the versions package-lock.json pins (the tested ones) rather than taken from
      // whatever release the runtime ships; it also lets esbuild drop the clients the handler does not use.
      bundleAwsSDK: true,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        // esbuild does not inline roaring-wasm's index.wasm, which it reads from __dirname at require time:
        // without this copy the handler fails its cold start with ENOENT. Every bundle gets it, so a handler
        // that starts to use bitmaps cannot forget it.
        afterBundling: (inputDir: string, outputDir: string) => [
          `cp "${join(inputDir, 'node_modules', 'roaring-wasm', 'index.wasm')}" "${join(outputDir, 'index.wasm')}"`,
        ],
      },
    },
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime every test, bench and local run uses (the project pins it as a devDependency); ' +
      'moving to Node.js 24 is a one-line change once it has been tested.',
  });
  return fn;
}
