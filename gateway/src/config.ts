import { z } from 'zod';

/** Every variable the standalone gateway reads, with its meaning (used by errors and --help). */
export const GATEWAY_VARIABLES = {
  DATABASE_URL: 'PostgreSQL/TimescaleDB connection URL, e.g. postgres://user:pass@host:5432/bisa (required)',
  GATEWAY_HOST: 'Address the GraphQL server listens on (0.0.0.0 to accept outside connections)',
  GATEWAY_PORT: 'Port of the GraphQL server (/graphql, /healthz, /readyz)',
  GATEWAY_GRAPHIQL: 'Serve the GraphiQL explorer on GET /graphql: true or false',
  LOG_LEVEL: 'Log level: fatal, error, warn, info, debug, trace or silent',
} as const;

const DEFAULTS: Partial<Record<keyof typeof GATEWAY_VARIABLES, string>> = {
  GATEWAY_HOST: '127.0.0.1',
  GATEWAY_PORT: '4801',
  GATEWAY_GRAPHIQL: 'true',
  LOG_LEVEL: 'info',
};

export interface GatewayConfig {
  databaseUrl: string;
  http: { host: string; port: number };
  graphiql: boolean;
  logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be fatal, error, warn, info, debug, trace or silent',
  }),
});

/** Parses the environment; throws one ConfigError naming every bad variable and what it should be. */
export function parseGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  // An empty variable counts as unset, so `FOO= node server.ts` falls back to the default.
  const relevant = Object.fromEntries(
    Object.keys(GATEWAY_VARIABLES).map((name) => {
      const value = env[name];
      return [name, value === undefined || value === '' ? DEFAULTS[name as keyof typeof DEFAULTS] : value];
    }),
  );
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof typeof GATEWAY_VARIABLES;
      // The database URL may hold a password: never echo it into logs.
      const shown = name === 'DATABASE_URL' ? '' : `=${JSON.stringify(env[name])}`;
      return `  ${name}${shown}: ${issue.message} (${GATEWAY_VARIABLES[name]})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    http: { host: c.GATEWAY_HOST, port: c.GATEWAY_PORT },
    graphiql: c.GATEWAY_GRAPHIQL,
    logLevel: c.LOG_LEVEL,
  };
}

export function gatewayHelp(): string {
  const width = Math.max(...Object.keys(GATEWAY_VARIABLES).map((k) => k.length));
  const rows = Object.entries(GATEWAY_VARIABLES).map(([name, text]) => {
    const fallback = DEFAULTS[name as keyof typeof DEFAULTS];
    return `  ${name.padEnd(width)}  ${text}${fallback ? ` (default: ${fallback})` : ''}`;
  });
  return [
    'Usage: node gateway/src/server.ts [--help]',
    '',
    'Serves the BISA Hub GraphQL API (programme data, telemetry, live subscriptions over SSE) on',
    '/graphql, with /healthz and /readyz. Applies database migrations on start.',
    '',
    'Environment variables:',
    ...rows,
  ].join('\n');
}
