import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { PothosValidationError } from '@pothos/core';
import { type DocumentNode, GraphQLError, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { resolveViewer, type Viewer } from './auth/viewer.ts';
import { BoundedCache } from './bounded-cache.ts';
import type { GatewayContext, GatewayServices } from './context.ts';
import { type QueryLimits, useExecutionTimeout, useQueryLimits, useRequestBodyLimit } from './limits.ts';
import { schema } from './schema/index.ts';
import { useSharedSubscriptionExecution } from './shared-subscriptions.ts';

export interface YogaOptions {
  /** Returns the shared services; throws before the gateway has started. */
  services: () => GatewayServices;
  logger: Logger;
  graphiql: boolean;
  /**
   * Who may see the schema through introspection and "Did you mean …?" hints. A production
   * gateway shows it to administrators only: it tells an attacker every field to probe.
   */
  introspection: 'everyone' | 'admins';
  limits: QueryLimits;
}

/** Builds the GraphQL server; it answers `fetch` requests and works as a Node request listener. */
export function createGatewayYoga({ services, logger, graphiql, introspection, limits }: YogaOptions) {
  // Cookies a resolver sets, kept until the response for its request is built.
  const cookies = new WeakMap<Request, string[]>();
  // The viewer is resolved once per request, before validation, which needs it to decide on
  // introspection (Yoga validates before it builds the context).
  const viewers = new WeakMap<Request, Viewer | null>();
  const viewerPlugin: Plugin = {
    onParams({ request }) {
      // Not async: an anonymous request is answered without a promise (auth/viewer.ts).
      const viewer = resolveViewer(services().prisma, request);
      if (viewer instanceof Promise) return viewer.then((resolved) => void viewers.set(request, resolved));
      viewers.set(request, viewer);
    },
  };
  // Validation results by document, one cache for each of the two fixed sets of rules. Yoga's own
  // cache (turned off below) finds its entry by the names of all the rules, joined into a new
  // string on every request: in a profile that was 3 % of the CPU of a small query.
  const validationResults = {
    shown: new WeakMap<DocumentNode, readonly Error[]>(),
    hidden: new WeakMap<DocumentNode, readonly Error[]>(),
  };
  const showsSchemaTo = (request: Request) =>
    introspection === 'everyone' || viewers.get(request)?.role === 'ADMIN';
  const introspectionPolicy: Plugin = {
    onValidate({ context, params, addValidationRule, setValidationFn, setResult }) {
      const shown = showsSchemaTo(context.request);
      const results = shown ? validationResults.shown : validationResults.hidden;
      const known = results.get(params.documentAST);
      if (known) {
        setResult(known);
        return;
      }
      if (!shown) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
        // Suggestions would spell out the names introspection hides.
        setValidationFn((schema, document, rules) =>
          validate(schema, document, rules, { hideSuggestions: true }),
        );
      }
      return ({ result }) => {
        results.set(params.documentAST, result);
      };
    },
    onExecute({ args }) {
      if (showsSchemaTo(args.contextValue.request)) return;
      // Variable coercion errors would suggest enum values and input fields the same way.
      Object.assign(args, { hideSuggestions: true });
    },
  };
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
    // useRequestBodyLimit below instead, at a fraction of the cost (limits.ts).
    maxRequestBodySize: false,
    // Parsed documents stay cached by Yoga, in caches without a clock (bounded-cache.ts), as many
    // as Yoga keeps by default; validation results are cached by introspectionPolicy.
    parserAndValidationCache: {
      documentCache: new BoundedCache(1024),
      errorCache: new BoundedCache(1024),
      validationCache: false,
    },
    plugins: [
      viewerPlugin,
      useRequestBodyLimit(limits.maxBodyBytes),
      useQueryLimits(limits),
      useExecutionTimeout(limits.executionTimeoutMs),
      introspectionPolicy,
      useSharedSubscriptionExecution(),
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
    // Resolvers share one Prisma client and one SQL pool; per request only the viewer. Not async:
    // a promise here would cost every request another turn through Yoga's hook chain.
    context: ({ request }) => {
      const shared = services();
      return {
        ...shared,
        request,
        viewer: viewers.get(request) ?? null,
        setCookie: (value: string) => cookies.set(request, [...(cookies.get(request) ?? []), value]),
      };
    },
    // JSON bodies only: a multipart form is a "simple" cross-site request a browser sends with the
    // session cookie and no preflight, which would open the door to CSRF.
    multipart: false,
    logging: {
      // Yoga logs at debug level on every request; the message is built only when it is kept.
      debug: (...args) => {
        if (logger.isLevelEnabled('debug')) logger.debug(args.map(String).join(' '));
      },
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    maskedErrors: {
      // Never the development variant: no stack, SQL or host name reaches a client, whatever NODE_ENV says.
      maskError(error, message) {
        // Pothos refuses some arguments itself (a negative `first`, a malformed cursor) without a code.
        if (
          error instanceof GraphQLError &&
          error.extensions.code === undefined &&
          isPothosValidation(error)
        ) {
          return new GraphQLError(error.message, {
            nodes: error.nodes,
            path: error.path,
            extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
          });
        }
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

function isPothosValidation(error: GraphQLError): boolean {
  return error instanceof PothosValidationError || error.originalError instanceof PothosValidationError;
}

export type GatewayYoga = ReturnType<typeof createGatewayYoga>;
