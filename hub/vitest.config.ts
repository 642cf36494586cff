import { defineConfig } from 'vitest/config';
import { resolveLikeNode } from '../vitest.shared.ts';

export default defineConfig({
  ...resolveLikeNode,
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each embedded hub holds a PGlite instance of about 1 GB; one test file at a time.
    fileParallelism: false,
  },
});
