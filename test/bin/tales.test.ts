import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/handler-function';
import { functionUrlEvent, lambdaContext } from '../../local/lambda/function-url';
import { loadZstd } from '../../shared/codec/zstd';
import { KeyLayout } from '../../shared/layout/keys';
import { type LocalS3, startLocalS3 } from '../support/local-s3';
import { offlineEnv } from '../support/offline-env';
import { seedWriter } from '../support/seed-chunks';

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

describe('bundled query handler', () => {
  let local: LocalS3;
  beforeAll(async () => {
    local = await startLocalS3();
  });
  afterAll(() => local?.stop());

  it('fails if the bundled handler answers a page of worst-case texts over the 6 MiB Function URL response limit', async () => {
    // GIVEN 16 largest events of NULs (each escaped to 6 bytes in the body, 7 in the response): 7 MiB at one page
    const time = Date.UTC(2026, 6, 1, 12);
    const text = '\0'.repeat(65_521);
    const events = Array.from({ length: 16 }, (_, i) => ({ time: time + i, actors: [13], text }));
    await seedWriter({ s3: local.s3, bucket: local.bucket, layout: new KeyLayout(''), zstd: await loadZstd() }, 'shardId-000000000000', [
      events,
    ]);
    // AND the Query bundle loaded afresh as Lambda loads it, configured for the local S3
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      TALES_BUCKET: local.bucket,
      TALES_PREFIX: '',
      TALES_S3_ENDPOINT: local.endpoint,
    });
    const load = createRequire(join(assetDirOf('Query'), 'index.js'));
    delete load.cache[load.resolve('./index.js')];
    let bundle: { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }> };
    try {
      bundle = load('./index.js');
    } finally {
      process.env = saved;
    }
    // WHEN a client pages through them
    const texts: number[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = next
        ? { actors: '13', cursor: next }
        : { actors: '13', from: String(time), to: String(time + 100) };
      const response = await bundle.handler(functionUrlEvent({ path: '/events', query }), lambdaContext(30_000));
      // THEN every response fits a Function URL, and the pages hold each event once
      expect(response.statusCode).toBe(200);
      expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(6 * 1024 * 1024);
      const body = JSON.parse(response.body) as { events: { time: number; text: string }[]; next?: string };
      for (const event of body.events) {
        expect(event.text).toBe(text);
        texts.push(event.time);
      }
      next = body.next;
      pages++;
    } while (next);
    expect(pages).toBeGreaterThan(1);
    expect(texts).toEqual(events.map((event) => event.time));
  });
});
