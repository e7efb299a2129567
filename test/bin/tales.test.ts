import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/handler-function';

interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Metadata?: Record<string, string>;
}

// GIVEN the app run the way `npm run synth` runs it (cdk.json: `npx tsx bin/tales.ts`), with every AWS
// credential source removed: the synthesis, bundling included, must need neither an account nor the network.
let outdir: string;
let resources: Record<string, CfnResource>;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'tales-synth-'));
  execFileSync(
    join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir],
    { cwd: PROJECT_ROOT, env: offlineEnv(outdir), stdio: 'pipe', timeout: 170_000 },
  );
  resources = JSON.parse(readFileSync(join(outdir, 'Tales.template.json'), 'utf8')).Resources;
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The parent environment without AWS credentials, profiles, or a region; no instance metadata either. */
function offlineEnv(dir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')));
  return {
    ...env,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

const HANDLERS = ['Ingest', 'Consumer', 'Query', 'Compactor', 'Merger'] as const;

/** The bundled asset directory of one function, found through the template's asset metadata. */
function assetDirOf(name: (typeof HANDLERS)[number]): string {
  const fn = Object.values(resources).find((resource) => resource.Metadata?.['aws:cdk:path'] === `Tales/TalesLog/${name}/Resource`);
  const assetPath = fn?.Metadata?.['aws:asset:path'];
  if (!assetPath) throw new Error(`no bundled asset for ${name}`);
  return join(outdir, assetPath);
}

describe('bin/tales.ts', () => {
  it('fails if the app does not synthesize an environment-agnostic stack without credentials', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.Tales.environment).toBe('aws://unknown-account/unknown-region');
    expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Function')).toHaveLength(5);
  });

  it('fails if cdk-nag reported anything while the app synthesized', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = (report.pluginReports as { violations?: unknown[] }[]).flatMap((plugin) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });
});

describe('bundled handlers', () => {
  const wasm = readFileSync(join(PROJECT_ROOT, 'node_modules', 'roaring-wasm', 'index.wasm'));

  it.each(HANDLERS)("fails if the %s bundle lacks roaring-wasm's index.wasm next to index.js", (name) => {
    const dir = assetDirOf(name);
    expect(existsSync(join(dir, 'index.js'))).toBe(true);
    expect(existsSync(join(dir, 'index.js.map'))).toBe(true);
    expect(readFileSync(join(dir, 'index.wasm')).equals(wasm)).toBe(true);
  });

  it.each(HANDLERS)('fails if the %s bundle leaves the AWS SDK to the runtime', (name) => {
    const code = readFileSync(join(assetDirOf(name), 'index.js'), 'utf8');
    const external = new Set([...code.matchAll(/require\(["']((?:@aws-sdk|@smithy)\/[^"']+)["']\)/g)].map((match) => match[1]));
    // Only the SDK's optional SigV4a signers stay unresolved: it requires them inside try/catch, for
    // multi-region access points, which Tales does not use.
    expect([...external].sort()).toEqual(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
  });

  it.each(HANDLERS)('fails if the %s bundle does not load and export a handler function', (name) => {
    // GIVEN the variables the handlers read at cold start, set to dummy values
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', TALES_STREAM_NAME: 'tales-test', TALES_BUCKET: 'tales-test', TALES_PREFIX: '' });
    try {
      // WHEN the bundle is loaded as Lambda loads it (CommonJS, from its own directory)
      const bundle = createRequire(join(assetDirOf(name), 'index.js'))('./index.js');
      // THEN
      expect(typeof bundle.handler).toBe('function');
    } finally {
      process.env = saved;
    }
  });
});
