import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  environmentHelp,
  parseEnvironment,
  type VariableSpecs,
} from '@bisa/service/environment.ts';
import { z } from 'zod';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be 1-65535')
  .max(65535, 'must be 1-65535');

/**
 * Every variable the embedded hub reads, with its default and meaning (also its --help and the
 * README's configuration table).
 */
export const HUB_VARIABLES = {
  BISA_HOST: {
    description: 'Address every listener binds to (use 0.0.0.0 to let devices on the network connect)',
    default: '127.0.0.1',
  },
  BISA_HTTP_PORT: {
    description: 'Port of the dashboard and the GraphQL endpoint (/graphql), health at /healthz and /readyz',
    default: '4800',
  },
  // 1883 is left to a Mosquitto the machine may already run.
  BISA_MQTT_PORT: { description: 'Port of the embedded MQTT broker (TCP)', default: '1884' },
  BISA_MQTT_WS_PORT: { description: 'Port of the embedded MQTT broker over WebSocket', default: '8884' },
  BISA_DATA_DIR: {
    description: 'Folder of the embedded database; kept across restarts',
    default: path.join(REPO_ROOT, '.data', 'embedded'),
  },
  BISA_SIMULATOR: { description: 'Run the simulated sample devices (true/false)', default: 'true' },
  BISA_SIMULATOR_INTERVAL_SECONDS: {
    description: 'Seconds between two readings of each simulated device',
    default: '5',
  },
  BISA_ALERT_WEBHOOK_URL: {
    description:
      'An alert webhook (e.g. a WhatsApp or SMS gateway) registered at start; signed JSON per docs/alerts.md (optional)',
  },
  BISA_ALERT_WEBHOOK_SECRET: {
    description: 'Its HMAC-SHA256 signing secret, at least 16 characters (required with the URL)',
    secret: true,
  },
  BISA_ALERT_WEBHOOK_LEVELS: {
    description: 'Comma-separated levels it receives, e.g. SIAGA,AWAS (default every level)',
  },
  LOG_LEVEL: { description: 'Log level: fatal, error, warn, info, debug, trace or silent', default: 'info' },
  LOG_FORMAT: {
    description:
      'Log lines as json (for collectors), pretty (for people) or auto: pretty on a terminal, json otherwise',
    default: 'auto',
  },
} satisfies VariableSpecs;

const schema = z.object({
  BISA_HOST: z.string().min(1),
  BISA_HTTP_PORT: port,
  BISA_MQTT_PORT: port,
  BISA_MQTT_WS_PORT: port,
  BISA_DATA_DIR: z.string().min(1),
  BISA_SIMULATOR: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  BISA_SIMULATOR_INTERVAL_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .min(0.1, 'must be 0.1-3600')
    .max(3600, 'must be 0.1-3600'),
  BISA_ALERT_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  BISA_ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  BISA_ALERT_WEBHOOK_LEVELS: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*(,[A-Z][A-Z0-9_]*)*$/, 'must be upper-case level names separated by commas')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be fatal, error, warn, info, debug, trace or silent',
  }),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { error: 'must be auto, json or pretty' }),
});

/** A webhook registered from the environment: the simplest way to try alert notifications. */
export interface AlertWebhookConfig {
  url: string;
  secret: string;
  levels: string[];
}

export interface HubConfig {
  host: string;
  ports: { http: number; mqtt: number; mqttWs: number };
  /** undefined keeps the database in memory (tests only; not reachable from the environment). */
  dataDir: string | undefined;
  simulator: { enabled: boolean; intervalMs: number };
  alertWebhook?: AlertWebhookConfig;
  logLevel: string;
  /** `auto` is decided where the output is known (main.ts): pretty on a terminal. */
  logFormat: 'auto' | 'json' | 'pretty';
}

/** Parses the environment; throws one ConfigError listing every bad variable. */
export function parseHubConfig(env: Record<string, string | undefined>): HubConfig {
  const c = parseEnvironment(
    HUB_VARIABLES,
    schema.superRefine((v, ctx) => {
      if (v.BISA_ALERT_WEBHOOK_URL !== undefined && v.BISA_ALERT_WEBHOOK_SECRET === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['BISA_ALERT_WEBHOOK_SECRET'],
          message: 'is required with BISA_ALERT_WEBHOOK_URL: every webhook body is signed',
        });
      }
    }),
    env,
  );
  const ports = {
    BISA_HTTP_PORT: c.BISA_HTTP_PORT,
    BISA_MQTT_PORT: c.BISA_MQTT_PORT,
    BISA_MQTT_WS_PORT: c.BISA_MQTT_WS_PORT,
  };
  const clashes = Object.entries(ports).filter(([, p], i, all) => all.findIndex(([, q]) => q === p) !== i);
  if (clashes.length > 0) {
    throw new ConfigError(
      `invalid configuration:\n  ${clashes.map(([n]) => n).join(', ')} use a port already given to another listener; give each its own port`,
    );
  }
  return {
    host: c.BISA_HOST,
    ports: { http: c.BISA_HTTP_PORT, mqtt: c.BISA_MQTT_PORT, mqttWs: c.BISA_MQTT_WS_PORT },
    dataDir: path.resolve(c.BISA_DATA_DIR),
    simulator: {
      enabled: c.BISA_SIMULATOR,
      intervalMs: Math.round(c.BISA_SIMULATOR_INTERVAL_SECONDS * 1000),
    },
    ...(c.BISA_ALERT_WEBHOOK_URL === undefined || c.BISA_ALERT_WEBHOOK_SECRET === undefined
      ? {}
      : {
          alertWebhook: {
            url: c.BISA_ALERT_WEBHOOK_URL,
            secret: c.BISA_ALERT_WEBHOOK_SECRET,
            levels: c.BISA_ALERT_WEBHOOK_LEVELS?.split(',') ?? [],
          },
        }),
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
  };
}

export function hubHelp(): string {
  return environmentHelp(
    'node hub/src/main.ts [--help]   (or ./bisa start)',
    [
      'Runs the whole BISA Hub in one process: embedded PostgreSQL/TimescaleDB, MQTT broker,',
      'ingest worker, GraphQL gateway, dashboard and simulated sample devices.',
    ],
    HUB_VARIABLES,
  );
}
