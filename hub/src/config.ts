import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DailySummarySchedule,
  summarySchedule,
  summaryTimeSchema,
  timeZoneSchema,
} from '@bisa/ingest/alerts/daily-summary.ts';
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
    description:
      "A demo rate: seconds between two readings of every simulated device (default: each device's declared expected interval)",
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
  BISA_ALERT_WEBHOOK_DAILY_SUMMARY: {
    description:
      'Whether it receives the daily summary too, true/false (default true when it takes every level, false with BISA_ALERT_WEBHOOK_LEVELS)',
  },
  BISA_ALERT_SUMMARY_TIME: {
    description:
      'Local time of day (HH:MM, 24-hour) of the daily alert summary to the webhooks; off for none',
    default: '07:00',
  },
  BISA_ALERT_SUMMARY_TIMEZONE: {
    description: 'IANA time zone of that time and of the summary day (WITA is Asia/Makassar)',
    default: 'Asia/Makassar',
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
    .max(3600, 'must be 0.1-3600')
    .optional(),
  BISA_ALERT_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  BISA_ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  BISA_ALERT_WEBHOOK_LEVELS: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*(,[A-Z][A-Z0-9_]*)*$/, 'must be upper-case level names separated by commas')
    .optional(),
  BISA_ALERT_WEBHOOK_DAILY_SUMMARY: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
  BISA_ALERT_SUMMARY_TIME: summaryTimeSchema,
  BISA_ALERT_SUMMARY_TIMEZONE: timeZoneSchema,
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
  /** Left out: as the webhook input decides (true when it takes every level). */
  dailySummary?: boolean;
}

export interface HubConfig {
  host: string;
  ports: { http: number; mqtt: number; mqttWs: number };
  /** undefined keeps the database in memory (tests only; not reachable from the environment). */
  dataDir: string | undefined;
  /** intervalMs: a demo rate for every simulated device; undefined: each at its declared interval. */
  simulator: { enabled: boolean; intervalMs?: number };
  alertWebhook?: AlertWebhookConfig;
  /** When the daily alert summary goes out; none when undefined. */
  alertSummary?: DailySummarySchedule;
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
      ...(c.BISA_SIMULATOR_INTERVAL_SECONDS === undefined
        ? {}
        : { intervalMs: Math.round(c.BISA_SIMULATOR_INTERVAL_SECONDS * 1000) }),
    },
    ...(c.BISA_ALERT_WEBHOOK_URL === undefined || c.BISA_ALERT_WEBHOOK_SECRET === undefined
      ? {}
      : {
          alertWebhook: {
            url: c.BISA_ALERT_WEBHOOK_URL,
            secret: c.BISA_ALERT_WEBHOOK_SECRET,
            levels: c.BISA_ALERT_WEBHOOK_LEVELS?.split(',') ?? [],
            ...(c.BISA_ALERT_WEBHOOK_DAILY_SUMMARY === undefined
              ? {}
              : { dailySummary: c.BISA_ALERT_WEBHOOK_DAILY_SUMMARY }),
          },
        }),
    alertSummary: summarySchedule(c.BISA_ALERT_SUMMARY_TIME, c.BISA_ALERT_SUMMARY_TIMEZONE),
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
