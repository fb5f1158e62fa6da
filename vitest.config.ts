import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run on the sources: '@troupe/*' resolves to each package's src/index.ts.
const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@troupe/bullmq': src('bullmq'),
      '@troupe/core': src('core'),
      '@troupe/inspect': src('inspect'),
      '@troupe/prometheus': src('prometheus'),
      '@troupe/testkit': src('testkit'),
      '@troupe/threads': src('threads'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
