#!/usr/bin/env node
// The `tales` command. In a checkout the CLI runs from its TypeScript sources through tsx's loader
// (registered from this package, whatever the working directory); the npm package ships it prebuilt.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./bin.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./bin.ts');
} else {
  await import('../../dist/cli/tales.cjs');
}
