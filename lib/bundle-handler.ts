import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { HandlerName } from './handler-function';

const require = createRequire(import.meta.url);

/**
 * Bundles `lambdas/<name>/index.ts` of the repository at `root` into `outDir/index.js` (+ source map), as the
 * Lambda runtime loads it: CommonJS (roaring-wasm loads its wasm synchronously through require, and there is
 * no top-level await), Node 22, minified, the AWS SDK included at the versions package-lock.json pins (the
 * tested ones, and esbuild drops the clients a handler does not use). One function for `cdk synth` in the
 * repository and for the prebuilt handlers `npm pack` ships.
 */
export function bundleHandler(root: string, name: HandlerName, outDir: string): void {
  buildSync({
    entryPoints: [join(root, 'lambdas', name, 'index.ts')],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  // esbuild does not inline roaring-wasm's index.wasm, which it reads from __dirname at require time: without
  // this copy the handler fails its cold start with ENOENT. Every bundle gets it, so a handler that starts to
  // use bitmaps cannot forget it.
  copyFileSync(require.resolve('roaring-wasm/index.wasm', { paths: [root] }), join(outDir, 'index.wasm'));
}
