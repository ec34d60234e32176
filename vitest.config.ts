import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One copy of graphql: otherwise "Cannot use GraphQLScalarType from another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        // PGlite instances are ~0.5 GB each and the machine has 2 cores.
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/**/*.alone.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // Measurements of time (*.alone.test.ts) run after the suite, one file at a time, so that no
        // other test shares the machine with them.
        test: { name: 'alone', include: ['test/**/*.alone.test.ts'], maxWorkers: 1, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
