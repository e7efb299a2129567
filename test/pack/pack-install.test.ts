import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/handler-function';
import { offlineEnv } from '../support/offline-env';

// GIVEN the tarball `npm pack` makes, installed into a fresh project as a user would (from the npm cache;
// the registry only for what the cache lacks), next to the user's own aws-cdk-lib, constructs and @types/node.
let dir: string;
let tarball: string;
const bin = (name: string) => join(PROJECT_ROOT, 'node_modules', '.bin', name);
/** Runs a command in the user's project; a failure carries what the command printed, to read in the report. */
const run = (file: string, args: string[], timeout = 300_000) => {
  try {
    return execFileSync(file, args, { cwd: dir, env: offlineEnv(dir), encoding: 'utf8', stdio: 'pipe', timeout });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  }
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tales-pack-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 400_000,
  });
  tarball = join(dir, packed.trim().split('\n').pop() as string);
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const dev = manifest.devDependencies as Record<string, string>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'game-server', private: true }));
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `aws-cdk-lib@${dev['aws-cdk-lib']}`,
      `constructs@${dev.constructs}`,
      `@types/node@${dev['@types/node']}`,
    ],
    300_000,
  );
}, 720_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** A server answering every request with one page of one event, and recording what it was asked. */
const SERVER = `
const http = require('node:http');
function serve() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(req.method + ' ' + req.url + ' ' + body);
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST') { res.statusCode = 202; res.end('{"accepted":1}'); return; }
      res.end(JSON.stringify({ events: [{ time: 1782864000000, actors: [7], text: 'hello' }] }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, url: 'http://127.0.0.1:' + server.address().port })));
}
`;

describe('the npm package', () => {
  it('fails if the tarball ships more than dist/, the launcher, the docs and the front page', () => {
    const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    const outside = listed.filter((f) => !/^package\/(dist\/|docs\/|local\/cli\/tales\.mjs$|package\.json$|README\.md$|LICENSE)/.test(f));
    expect(outside).toEqual([]);
    expect(listed).toContain('package/dist/lambdas/query/index.js');
  });

  it('fails if installing it brings the local servers, tsx, esbuild or the CDK along', () => {
    for (const name of ['s3rver', 'kinesalite', 'tsx', 'esbuild', 'typescript', '@aws-sdk/client-s3']) {
      expect(existsSync(join(dir, 'node_modules', name)), name).toBe(false);
    }
  });

  it('fails if the client does not run from plain Node ESM', { timeout: 320_000 }, () => {
    writeFileSync(
      join(dir, 'esm.mjs'),
      `import { createRequire } from 'node:module';
import { TalesIngest, TalesProducer, TalesQuery } from 'tales-aws';
${SERVER.replace("const http = require('node:http');", "const http = createRequire(import.meta.url)('node:http');")}
const { server, seen, url } = await serve();
const events = [];
for await (const e of new TalesQuery({ url, unsigned: true }).query({ actors: [7], from: '-1h' })) events.push(e);
const producer = new TalesProducer({ streamName: 'events', region: 'eu-west-1' });
await producer.close();
server.close();
console.log(JSON.stringify({ events, seen, ingest: typeof TalesIngest }));
`,
    );
    expect(JSON.parse(run('node', ['esm.mjs']))).toEqual({
      events: [{ time: 1782864000000, actors: [7], text: 'hello' }],
      seen: ['GET /events?actors=7&from=-1h '],
      ingest: 'function',
    });
  });

  it('fails if the client does not run from plain Node CommonJS', { timeout: 320_000 }, () => {
    writeFileSync(
      join(dir, 'cjs.cjs'),
      `const { TalesIngest, TalesQueryError } = require('tales-aws');
${SERVER}
serve().then(async ({ server, seen, url }) => {
  const answer = await new TalesIngest({ url, unsigned: true }).send([{ actors: [7], text: 'hello' }]);
  server.close();
  console.log(JSON.stringify({ answer, seen, error: new TalesQueryError(400, 'x', 'y') instanceof Error }));
});
`,
    );
    expect(JSON.parse(run('node', ['cjs.cjs']))).toEqual({
      answer: { accepted: 1, failed: [] },
      seen: ['POST /events [{"actors":[7],"text":"hello"}]'],
      error: true,
    });
  });

  it.each([
    ['NodeNext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
    ['Bundler', { module: 'ESNext', moduleResolution: 'Bundler' }],
  ])(
    'fails if the client and the construct do not type-check under %s resolution with the default lib',
    (name, options) => {
      writeFileSync(
        join(dir, `${name}.mts`),
        `import { type TalesEvent, TalesIngest, TalesProducer, TalesQuery } from 'tales-aws';
import { TalesLog, type TalesLogProps } from 'tales-aws/cdk';
import { App, Stack } from 'aws-cdk-lib';
const props: TalesLogProps = { shardCount: 2 };
const log: TalesLog = new TalesLog(new Stack(new App(), 'Game'), 'Tales', props);
const producer = new TalesProducer({ streamName: log.stream.streamName });
producer.on('failed', (records) => console.log(records.length));
const query = new TalesQuery({ url: 'https://abc.lambda-url.eu-west-1.on.aws/' });
export async function newest(actor: number): Promise<TalesEvent[]> {
  await new TalesIngest({ url: 'http://127.0.0.1:7700', unsigned: true }).send([{ actors: [actor], text: 'hi', time: new Date() }]);
  return (await query.page({ actors: [actor], from: 'now', to: '-1h', limit: 10 })).events;
}
`,
      );
      writeFileSync(
        join(dir, `tsconfig.${name}.json`),
        JSON.stringify({
          compilerOptions: { ...options, target: 'ES2022', strict: true, noEmit: true, types: ['node'] },
          files: [`${name}.mts`],
        }),
      );
      expect(run(bin('tsc'), ['-p', `tsconfig.${name}.json`])).toBe('');
    },
    320_000,
  );

  it('fails if TalesLog does not synthesise in the user app with the prebuilt handlers (no esbuild, no sources)', () => {
    writeFileSync(
      join(dir, 'app.cjs'),
      `const { App, Stack } = require('aws-cdk-lib');
const { TalesLog } = require('tales-aws/cdk');
new TalesLog(new Stack(new App(), 'Game'), 'Tales');
`,
    );
    run(bin('cdk'), ['synth', '--app', 'node app.cjs', '--quiet', '--no-notices', '--no-version-reporting', '--output', 'cdk.out']);
    const template = JSON.parse(readFileSync(join(dir, 'cdk.out', 'Game.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, { Type: string; Metadata?: Record<string, string> }>).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      const asset = join(dir, 'cdk.out', fn.Metadata?.['aws:asset:path'] as string);
      expect(readdirSync(asset).sort()).toEqual(['index.js', 'index.js.map', 'index.wasm']);
    }
  }, 320_000);

  it('fails if `npx tales` does not query a Function URL-shaped endpoint', () => {
    writeFileSync(
      join(dir, 'cli.cjs'),
      `${SERVER}
serve().then(({ server, url }) => {
  // The server answers from this process, so the CLI runs asynchronously beside it.
  const child = require('node:child_process').spawn('npx', ['--no-install', 'tales', 'query', '--url', url, '--actor', '7', '--json']);
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.on('close', (code) => { server.close(); console.log(JSON.stringify({ code, out })); });
});
`,
    );
    expect(JSON.parse(run('node', ['cli.cjs']))).toEqual({ code: 0, out: '{"time":1782864000000,"actors":[7],"text":"hello"}\n' });
  }, 320_000);
});
