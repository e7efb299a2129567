import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // s3rver's paginated ListObjectsV2 needs the legacy OpenSSL provider under OpenSSL 3.
    execArgv: ['--openssl-legacy-provider'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/support/mock-matchers.ts'],
  },
});
