import { environmentHelp, parseEnvironment, type VariableSpecs } from '@bisa/service/environment.ts';
import { z } from 'zod';

/** Every variable the standalone gateway reads (also its --help and the README table). */
export const GATEWAY_VARIABLES = {
  DATABASE_URL: {
    description: 'PostgreSQL/TimescaleDB connection URL, e.g. postgres://user:pass@host:5432/bisa (required)',
    secret: true,
  },
  GATEWAY_HOST: {
    description: 'Address the GraphQL server listens on (0.0.0.0 to accept outside connections)',
    default: '127.0.0.1',
  },
  GATEWAY_PORT: { description: 'Port of the GraphQL server (/graphql, /healthz, /readyz)', default: '4801' },
  GATEWAY_GRAPHIQL: {
    description: 'Serve the GraphiQL explorer on GET /graphql: true or false',
    default: 'true',
  },
  GATEWAY_INTROSPECTION: {
    description:
      'Who may introspect the schema (and get "Did you mean" hints): admins (signed-in administrators) or everyone',
    default: 'admins',
  },
  GATEWAY_EXECUTION_TIMEOUT_MS: {
    description: 'Milliseconds a query or mutation may run before it ends with EXECUTION_TIMEOUT',
    default: '10000',
  },
  LOG_LEVEL: { description: 'Log level: fatal, error, warn, info, debug, trace or silent', default: 'info' },
} satisfies VariableSpecs;

export interface GatewayConfig {
  databaseUrl: string;
  http: { host: string; port: number };
  graphiql: boolean;
  introspection: 'everyone' | 'admins';
  executionTimeoutMs: number;
  logLevel: string;
}

const schema = z.object({
  DATABASE_URL: z
    .string({ error: 'is required' })
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://'),
  GATEWAY_HOST: z.string().min(1),
  GATEWAY_PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0-65535 (0 picks a free port)')
    .max(65535, 'must be 0-65535 (0 picks a free port)'),
  GATEWAY_GRAPHIQL: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true'),
  GATEWAY_INTROSPECTION: z.enum(['admins', 'everyone'], { error: 'must be admins or everyone' }),
  GATEWAY_EXECUTION_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100 (milliseconds)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be fatal, error, warn, info, debug, trace or silent',
  }),
});

/** Parses the environment; throws one ConfigError naming every bad variable and what it should be. */
export function parseGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const c = parseEnvironment(GATEWAY_VARIABLES, schema, env);
  return {
    databaseUrl: c.DATABASE_URL,
    http: { host: c.GATEWAY_HOST, port: c.GATEWAY_PORT },
    graphiql: c.GATEWAY_GRAPHIQL,
    introspection: c.GATEWAY_INTROSPECTION,
    executionTimeoutMs: c.GATEWAY_EXECUTION_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
  };
}

/** The accounts command line needs only the database (accounts.ts). */
export function parseAccountsConfig(env: Record<string, string | undefined>): { databaseUrl: string } {
  const c = parseEnvironment(
    { DATABASE_URL: GATEWAY_VARIABLES.DATABASE_URL },
    schema.pick({ DATABASE_URL: true }),
    env,
  );
  return { databaseUrl: c.DATABASE_URL };
}

export function gatewayHelp(): string {
  return environmentHelp(
    'node gateway/src/server.ts [--help]',
    [
      'Serves the BISA Hub GraphQL API (programme data, telemetry, live subscriptions over SSE) on',
      '/graphql, with /healthz and /readyz. Applies database migrations on start.',
    ],
    GATEWAY_VARIABLES,
  );
}
