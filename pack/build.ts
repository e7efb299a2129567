import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { generateDtsBundle } from 'dts-bundle-generator';
import { type BuildOptions, build } from 'esbuild';
import { bundleHandler } from '../lib/bundle-handler';
import { type HandlerName, PROJECT_ROOT } from '../lib/handler-function';

/**
 * `npm pack` runs this (prepack): it builds dist/, the only code the package ships besides the `tales` launcher.
 *   dist/client  the client (TalesProducer, TalesQuery, TalesIngest) as ESM and CommonJS, and its types
 *   dist/cdk     the TalesLog construct (CommonJS, as aws-cdk-lib) and its types
 *   dist/lambdas the five handlers, prebuilt as the construct deploys them
 *   dist/cli     the `tales` command
 * The runtime dependencies stay external; everything else (commander, the local-mode handlers) is bundled in.
 */
const root = PROJECT_ROOT;
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const external = [...Object.keys(dependencies), 'aws-cdk-lib', 'constructs'];

/** Where `import.meta.url` is read (PROJECT_ROOT), a CommonJS bundle has only __filename. */
const commonJs: BuildOptions = {
  format: 'cjs',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const shared: BuildOptions = { bundle: true, platform: 'node', target: 'node22', external, logLevel: 'warning', legalComments: 'none' };

rmSync(dist, { recursive: true, force: true });

await build({ ...shared, entryPoints: [join(root, 'shared/client/index.ts')], format: 'esm', outfile: join(dist, 'client/index.mjs') });
await build({ ...shared, ...commonJs, entryPoints: [join(root, 'shared/client/index.ts')], outfile: join(dist, 'client/index.cjs') });

await build({
  ...shared,
  ...commonJs,
  entryPoints: [join(root, 'lib/index.ts')],
  outfile: join(dist, 'cdk/index.cjs'),
  plugins: [
    {
      // The package's construct takes the prebuilt handlers: the bundler (and esbuild) stays out of it.
      name: 'prebuilt-handlers',
      setup(plugin) {
        plugin.onResolve({ filter: /\/bundle-handler$/ }, () => ({ path: 'bundle-handler', namespace: 'prebuilt' }));
        plugin.onLoad({ filter: /.*/, namespace: 'prebuilt' }, () => ({
          contents:
            "export function bundleHandler() { throw new Error('the tales-aws package ships its handlers prebuilt in dist/lambdas'); }",
        }));
      },
    },
  ],
});

for (const name of ['ingest', 'consumer', 'query', 'compactor', 'merger'] satisfies HandlerName[]) {
  bundleHandler(root, name, join(dist, 'lambdas', name));
}

await build({ ...shared, ...commonJs, entryPoints: [join(root, 'local/cli/bin.ts')], outfile: join(dist, 'cli/tales.cjs'), minify: true });
// roaring-wasm reads its wasm from beside the bundle (the local-mode compact command loads it).
copyFileSync(require.resolve('roaring-wasm/index.wasm'), join(dist, 'cli/index.wasm'));

const [clientTypes] = generateDtsBundle([{ filePath: join(root, 'shared/client/index.ts'), output: { noBanner: true } }], {
  preferredConfigPath: join(root, 'tsconfig.json'),
});
// One declaration file for each module kind the exports map resolves (import → .d.mts, require → .d.ts).
for (const file of ['index.d.ts', 'index.d.mts']) writeFileSync(join(dist, 'client', file), clientTypes ?? '');

// The construct's types as tsc emits them (bundling them with aws-cdk-lib's took dts-bundle-generator minutes);
// their relative imports have no extensions, which NodeNext accepts in CommonJS files.
execFileSync(require.resolve('typescript/bin/tsc'), ['-p', join(root, 'pack/tsconfig.cdk.json')], { stdio: 'inherit' });
writeFileSync(join(dist, 'cdk/types/package.json'), '{ "type": "commonjs" }\n');
