import { environmentHelp, parseEnvironment, type VariableSpecs } from '@bisa/service/environment.ts';
import { z } from 'zod';
import {
  type DailySummarySchedule,
  summarySchedule,
  summaryTimeSchema,
  timeZoneSchema,
} from './alerts/daily-summary.ts';

/** Every variable the standalone ingest worker reads (also its --help and the README table). */
export const INGEST_VARIABLES = {
  DATABASE_URL: {
    description: 'PostgreSQL/TimescaleDB connection URL, e.g. postgres://user:pass@host:5432/bisa (required)',
    secret: true,
  },
  MQTT_URL: {
    description: 'MQTT broker URL (mqtt://, mqtts://, ws:// or wss://)',
    default: 'mqtt://127.0.0.1:1883',
  },
  MQTT_USERNAME: { description: 'MQTT user name of the ingest worker (optional)' },
  MQTT_PASSWORD: { description: 'MQTT password of the ingest worker (optional)', secret: true },
  MQTT_PROTOCOL_VERSION: {
    description: 'MQTT protocol version: 5, or 4 (3.1.1) for brokers without MQTT 5',
    default: '5',
  },
  INGEST_CLIENT_ID: {
    description: 'Stable MQTT client id; the broker keeps this persistent session while ingest is down',
    default: 'bisa-ingest',
  },
  INGEST_CONNECTIONS: {
    description:
      'MQTT connections of this worker; each keeps up to 512 messages in flight and their commits are grouped, so one is enough for most loads. Above 1 needs MQTT 5 shared subscriptions; connection i > 0 uses client id <INGEST_CLIENT_ID>-i and user <MQTT_USERNAME>_i',
    default: '1',
  },
  INGEST_CONCURRENT_COMMITS: {
    description:
      'Batches of readings committed at the same time, each on its own database connection: 1 keeps latency lowest on a busy machine, 2 gave 1.5-2x the readings/s with 50-reading messages (docs/benchmarks.md)',
    default: '1',
  },
  INGEST_SHARE_GROUP: {
    description:
      'MQTT 5 shared-subscription group for readings ($share/<group>/bisa/v1/+/readings), so several connections and worker processes share the load; default bisa-ingest when INGEST_CONNECTIONS > 1, else none',
  },
  INGEST_HTTP_HOST: {
    description: 'Address of the health and metrics server (/healthz, /readyz, /metrics)',
    default: '127.0.0.1',
  },
  INGEST_HTTP_PORT: { description: 'Port of the health and metrics server', default: '4802' },
  INGEST_ALERTS: {
    description:
      'Evaluate alert rules on committed readings and send alert webhooks in this process (true/false); several processes take turns safely',
    default: 'true',
  },
  INGEST_ALERT_SUMMARY_TIME: {
    description:
      'Local time of day (HH:MM, 24-hour) the daily alert summary goes to the webhooks that take it, once a day across all processes; off for none',
    default: '07:00',
  },
  INGEST_ALERT_SUMMARY_TIMEZONE: {
    description: 'IANA time zone of that time and of the summary day (WITA is Asia/Makassar)',
    default: 'Asia/Makassar',
  },
  LOG_LEVEL: { description: 'Log level: fatal, error, warn, info, debug, trace or silent', default: 'info' },
} satisfies VariableSpecs;

export interface IngestConfig {
  databaseUrl: string;
  mqtt: { url: string; username?: string; password?: string; clientId: string; protocolVersion: 4 | 5 };
  connections: number;
  concurrentCommits: number;
  shareGroup: string | undefined;
  http: { host: string; port: number };
  alerts: boolean;
  /** When alerting runs here: the daily summary's time; undefined for none. */
  alertSummary: DailySummarySchedule | undefined;
  logLevel: string;
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
    ),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  MQTT_PROTOCOL_VERSION: z
    .enum(['4', '5'], { error: 'must be 4 or 5' })
    .transform((v) => (v === '4' ? 4 : 5)),
  INGEST_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  INGEST_CONNECTIONS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-64')
    .max(64, 'must be 1-64'),
  INGEST_CONCURRENT_COMMITS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-8')
    .max(8, 'must be 1-8'),
  INGEST_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional(),
  INGEST_HTTP_HOST: z.string().min(1),
  INGEST_HTTP_PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-65535')
    .max(65535, 'must be 1-65535'),
  INGEST_ALERTS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  INGEST_ALERT_SUMMARY_TIME: summaryTimeSchema,
  INGEST_ALERT_SUMMARY_TIMEZONE: timeZoneSchema,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be fatal, error, warn, info, debug, trace or silent',
  }),
});

/** Parses the environment; throws one ConfigError naming every bad variable and what it should be. */
export function parseIngestConfig(env: Record<string, string | undefined>): IngestConfig {
  const c = parseEnvironment(
    INGEST_VARIABLES,
    schema.superRefine((v, ctx) => {
      const shared = v.INGEST_CONNECTIONS > 1 || v.INGEST_SHARE_GROUP !== undefined;
      if (shared && v.MQTT_PROTOCOL_VERSION === 4) {
        ctx.addIssue({
          code: 'custom',
          path: ['MQTT_PROTOCOL_VERSION'],
          message:
            'must be 5 with INGEST_CONNECTIONS > 1 or INGEST_SHARE_GROUP: shared subscriptions do not exist in MQTT 3.1.1',
        });
      }
    }),
    env,
  );
  return {
    databaseUrl: c.DATABASE_URL,
    mqtt: {
      url: c.MQTT_URL,
      ...(c.MQTT_USERNAME === undefined ? {} : { username: c.MQTT_USERNAME }),
      ...(c.MQTT_PASSWORD === undefined ? {} : { password: c.MQTT_PASSWORD }),
      clientId: c.INGEST_CLIENT_ID,
      protocolVersion: c.MQTT_PROTOCOL_VERSION,
    },
    connections: c.INGEST_CONNECTIONS,
    concurrentCommits: c.INGEST_CONCURRENT_COMMITS,
    shareGroup: c.INGEST_SHARE_GROUP ?? (c.INGEST_CONNECTIONS > 1 ? 'bisa-ingest' : undefined),
    http: { host: c.INGEST_HTTP_HOST, port: c.INGEST_HTTP_PORT },
    alerts: c.INGEST_ALERTS,
    alertSummary: summarySchedule(c.INGEST_ALERT_SUMMARY_TIME, c.INGEST_ALERT_SUMMARY_TIMEZONE),
    logLevel: c.LOG_LEVEL,
  };
}

export function ingestHelp(): string {
  return environmentHelp(
    'node ingest/src/main.ts [--help]',
    [
      'Subscribes to device readings (bisa/v1/<deviceId>/readings, QoS 1), validates them and commits',
      'them to PostgreSQL/TimescaleDB; refused messages go to the dead_letter table. A message is',
      'acknowledged only after it is committed. Applies database migrations on start. Evaluates',
      'alert rules on committed readings and sends alert webhooks (docs/alerts.md).',
    ],
    INGEST_VARIABLES,
  );
}

/** What the device CLI (devices.ts) reads from the environment: only the database. */
export function parseDevicesConfig(env: Record<string, string | undefined>): { databaseUrl: string } {
  const c = parseEnvironment(
    { DATABASE_URL: INGEST_VARIABLES.DATABASE_URL },
    schema.pick({ DATABASE_URL: true }),
    env,
  );
  return { databaseUrl: c.DATABASE_URL };
}
