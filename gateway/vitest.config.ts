import { defineConfig } from 'vitest/config';

// graphql 17 exports a separate build under the "development" condition, which Vite adds by
// default; Node itself (running graphql-yoga and Pothos) loads the default build. Two copies of
// graphql break `instanceof` checks, so test code must resolve the same build Node does.
const nodeConditions = ['module', 'node'];

export default defineConfig({
  resolve: { conditions: nodeConditions },
  ssr: { resolve: { conditions: nodeConditions } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration files each hold a database (the embedded one is about 1 GB): one at a time.
    fileParallelism: false,
  },
});
