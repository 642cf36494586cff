import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { createYoga, maskError } from 'graphql-yoga';
import type { Logger } from 'pino';
import { resolveViewer } from './auth/viewer.ts';
import type { GatewayContext, GatewayServices } from './context.ts';
import { DEFAULT_LIMITS, useQueryLimits } from './limits.ts';
import { schema } from './schema/index.ts';

export interface YogaOptions {
  /** Returns the shared services; throws before the gateway has started. */
  services: () => GatewayServices;
  logger: Logger;
  graphiql: boolean;
}

/** Builds the GraphQL server; it answers `fetch` requests and works as a Node request listener. */
export function createGatewayYoga({ services, logger, graphiql }: YogaOptions) {
  // Cookies a resolver sets, kept until the response for its request is built.
  const cookies = new WeakMap<Request, string[]>();
  // Every request gets an id, returned in X-Request-Id and in masked errors, and logged with the
  // real error: an operator can find what a user saw without the user seeing internals.
  const requestIds = new AsyncLocalStorage<string>();
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: graphiql ? { title: 'BISA Hub GraphQL' } : false,
    landingPage: false,
    // One operation per request: a batch would multiply every limit below by its length.
    batching: false,
    maxRequestBodySize: DEFAULT_LIMITS.maxBodyBytes,
    plugins: [
      useQueryLimits(DEFAULT_LIMITS),
      {
        instrumentation: {
          request: (_payload, wrapped) => requestIds.run(randomUUID(), wrapped),
        },
        onResponse({ request, response }) {
          for (const cookie of cookies.get(request) ?? []) response.headers.append('set-cookie', cookie);
          const requestId = requestIds.getStore();
          if (requestId) response.headers.set('x-request-id', requestId);
        },
      },
    ],
    // Resolvers share one Prisma client and one SQL pool; per request only the viewer.
    context: async ({ request }) => {
      const shared = services();
      return {
        ...shared,
        request,
        viewer: await resolveViewer(shared.prisma, request),
        setCookie: (value: string) => cookies.set(request, [...(cookies.get(request) ?? []), value]),
      };
    },
    // JSON bodies only: a multipart form is a "simple" cross-site request a browser sends with the
    // session cookie and no preflight, which would open the door to CSRF.
    multipart: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    maskedErrors: {
      // Never the development variant: no stack, SQL or host name reaches a client, whatever NODE_ENV says.
      maskError(error, message) {
        const masked = maskError(error, message, false);
        if (masked === error) return masked;
        // Only unexpected errors are masked: those are bugs or outages the operator must see.
        const requestId = requestIds.getStore() ?? 'unknown';
        logger.error({ err: error, requestId }, 'unexpected error while serving GraphQL');
        return new GraphQLError(`${message} Quote request id ${requestId} when reporting it.`, {
          ...(masked instanceof GraphQLError ? { nodes: masked.nodes, path: masked.path } : {}),
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        });
      },
    },
  });
}

export type GatewayYoga = ReturnType<typeof createGatewayYoga>;
