import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  devDependencies: Record<string, string>;
};

describe('toolchain', () => {
  it('runs the suite on the Node.js major the Lambdas run on (22), pinned as a devDependency', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
    expect(pkg.devDependencies.node).toBe(process.versions.node);
  });
});
