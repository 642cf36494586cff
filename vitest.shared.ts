// Settings every package's vitest config shares.

// graphql 17 exports a separate build under the "development" condition, which Vite adds by
// default; Node itself (running graphql-yoga and Pothos) loads the default build. Two copies of
// graphql break `instanceof` checks, so test code must resolve the same build Node does.
const nodeConditions = ['module', 'node'];

export const resolveLikeNode = {
  resolve: { conditions: nodeConditions },
  ssr: { resolve: { conditions: nodeConditions } },
};
