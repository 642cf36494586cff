import { defineConfig } from 'vitest/config';
import { resolveLikeNode } from '../vitest.shared.ts';

export default defineConfig({
  ...resolveLikeNode,
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration files each hold a database (the embedded one is about 1 GB): one at a time.
    fileParallelism: false,
  },
});
