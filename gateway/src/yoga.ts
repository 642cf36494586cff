import { createYoga, maskError } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from './context.ts';
import { DEFAULT_LIMITS, useQueryLimits } from './limits.ts';
import { schema } from './schema/index.ts';

export interface YogaOptions {
  /** Returns the shared context; throws before the gateway has started. */
  context: () => GatewayContext;
  logger: Logger;
  graphiql: boolean;
}

/** Builds the GraphQL server; it answers `fetch` requests and works as a Node request listener. */
export function createGatewayYoga({ context, logger, graphiql }: YogaOptions) {
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: graphiql ? { title: 'BISA Hub GraphQL' } : false,
    landingPage: false,
    // One operation per request: a batch would multiply every limit below by its length.
    batching: false,
    maxRequestBodySize: DEFAULT_LIMITS.maxBodyBytes,
    plugins: [useQueryLimits(DEFAULT_LIMITS)],
    // Resolvers share one Prisma client and one SQL pool; no per-request state.
    context,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        const masked = maskError(error, message, isDev);
        // Only unexpected errors are masked: those are bugs or outages the operator must see.
        if (masked !== error) logger.error({ err: error }, 'unexpected error while serving GraphQL');
        return masked;
      },
    },
  });
}

export type GatewayYoga = ReturnType<typeof createGatewayYoga>;
