import { z } from 'zod';

/** Every variable the standalone ingest worker reads, with its meaning (used by errors and --help). */
export const INGEST_VARIABLES = {
  DATABASE_URL: 'PostgreSQL/TimescaleDB connection URL, e.g. postgres://user:pass@host:5432/bisa (required)',
  MQTT_URL: 'MQTT broker URL (mqtt://, mqtts://, ws:// or wss://)',
  MQTT_USERNAME: 'MQTT user name of the ingest worker (optional)',
  MQTT_PASSWORD: 'MQTT password of the ingest worker (optional)',
  MQTT_PROTOCOL_VERSION: 'MQTT protocol version: 5, or 4 (3.1.1) for brokers without MQTT 5',
  INGEST_CLIENT_ID: 'Stable MQTT client id; the broker keeps this persistent session while ingest is down',
  INGEST_HTTP_HOST: 'Address of the health and metrics server (/healthz, /readyz, /metrics)',
  INGEST_HTTP_PORT: 'Port of the health and metrics server',
  LOG_LEVEL: 'Log level: fatal, error, warn, info, debug, trace or silent',
} as const;

export interface IngestConfig {
  databaseUrl: string;
  mqtt: { url: string; username?: string; password?: string; clientId: string; protocolVersion: 4 | 5 };
  http: { host: string; port: number };
  logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const schema = z.object({
  DATABASE_URL: z
    .string({ error: 'is required' })
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://'),
  MQTT_URL: z
    .string()
    .refine(
      (v) => /^(mqtts?|wss?):\/\/[^/]/.test(v),
      'must be mqtt://, mqtts://, ws:// or wss:// with a host',
    )
    .default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  MQTT_PROTOCOL_VERSION: z
    .enum(['4', '5'], { error: 'must be 4 or 5' })
    .default('5')
    .transform((v) => (v === '4' ? 4 : 5)),
  INGEST_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('bisa-ingest'),
  INGEST_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  INGEST_HTTP_PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-65535')
    .max(65535, 'must be 1-65535')
    .default(4802),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
});

/** Parses the environment; throws one ConfigError naming every bad variable and what it should be. */
export function parseIngestConfig(env: Record<string, string | undefined>): IngestConfig {
  // An empty variable counts as unset, so `FOO= node main.ts` falls back to the default.
  const relevant = Object.fromEntries(
    Object.keys(INGEST_VARIABLES).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof typeof INGEST_VARIABLES;
      // Secrets are never echoed back into logs.
      const shown =
        name === 'MQTT_PASSWORD' || name === 'DATABASE_URL' ? '' : `=${JSON.stringify(env[name])}`;
      return `  ${name}${shown}: ${issue.message} (${INGEST_VARIABLES[name]})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    mqtt: {
      url: c.MQTT_URL,
      ...(c.MQTT_USERNAME === undefined ? {} : { username: c.MQTT_USERNAME }),
      ...(c.MQTT_PASSWORD === undefined ? {} : { password: c.MQTT_PASSWORD }),
      clientId: c.INGEST_CLIENT_ID,
      protocolVersion: c.MQTT_PROTOCOL_VERSION,
    },
    http: { host: c.INGEST_HTTP_HOST, port: c.INGEST_HTTP_PORT },
    logLevel: c.LOG_LEVEL,
  };
}

export function ingestHelp(): string {
  const width = Math.max(...Object.keys(INGEST_VARIABLES).map((k) => k.length));
  const defaults: Record<string, string> = {
    MQTT_URL: 'mqtt://127.0.0.1:1883',
    MQTT_PROTOCOL_VERSION: '5',
    INGEST_CLIENT_ID: 'bisa-ingest',
    INGEST_HTTP_HOST: '127.0.0.1',
    INGEST_HTTP_PORT: '4802',
    LOG_LEVEL: 'info',
  };
  const rows = Object.entries(INGEST_VARIABLES).map(([name, text]) => {
    const fallback = defaults[name];
    return `  ${name.padEnd(width)}  ${text}${fallback ? ` (default: ${fallback})` : ''}`;
  });
  return [
    'Usage: node ingest/src/main.ts [--help]',
    '',
    'Subscribes to device readings (bisa/v1/<deviceId>/readings, QoS 1), validates them and commits',
    'them to PostgreSQL/TimescaleDB; refused messages go to the dead_letter table. A message is',
    'acknowledged only after it is committed. Applies database migrations on start.',
    '',
    'Environment variables:',
    ...rows,
  ].join('\n');
}
