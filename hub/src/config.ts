import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every variable the embedded hub reads, with its default and meaning. The README's
 * configuration table and `--help` are generated from the same descriptions.
 */
export const HUB_VARIABLES = {
  BISA_HOST: 'Address every listener binds to (use 0.0.0.0 to let devices on the network connect)',
  BISA_HTTP_PORT: 'Port of the dashboard and the GraphQL endpoint (/graphql), health at /healthz and /readyz',
  BISA_MQTT_PORT: 'Port of the embedded MQTT broker (TCP)',
  BISA_MQTT_WS_PORT: 'Port of the embedded MQTT broker over WebSocket',
  BISA_DATA_DIR: 'Folder of the embedded database; kept across restarts',
  BISA_SIMULATOR: 'Run the simulated sample devices (true/false)',
  BISA_SIMULATOR_INTERVAL_SECONDS: 'Seconds between two readings of each simulated device',
  LOG_LEVEL: 'Log level: fatal, error, warn, info, debug or trace',
} as const;

const schema = z.object({
  BISA_HOST: z.string().min(1).default('127.0.0.1'),
  BISA_HTTP_PORT: port(4800),
  BISA_MQTT_PORT: port(1884),
  BISA_MQTT_WS_PORT: port(8884),
  BISA_DATA_DIR: z
    .string()
    .min(1)
    .default(path.join(REPO_ROOT, '.data', 'embedded')),
  BISA_SIMULATOR: flag(true),
  BISA_SIMULATOR_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface HubConfig {
  host: string;
  ports: { http: number; mqtt: number; mqttWs: number };
  /** undefined keeps the database in memory (tests only; not reachable from the environment). */
  dataDir: string | undefined;
  simulator: { enabled: boolean; intervalMs: number };
  logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws one ConfigError listing every bad variable. */
export function parseHubConfig(env: Record<string, string | undefined>): HubConfig {
  const relevant = Object.fromEntries(
    Object.keys(HUB_VARIABLES).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}=${JSON.stringify(env[name])}: ${issue.message} (${HUB_VARIABLES[name as keyof typeof HUB_VARIABLES]})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
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
    logLevel: c.LOG_LEVEL,
  };
}

export function hubHelp(): string {
  const width = Math.max(...Object.keys(HUB_VARIABLES).map((k) => k.length));
  const defaults = parseHubConfig({});
  const shown: Record<string, string> = {
    BISA_HOST: defaults.host,
    BISA_HTTP_PORT: String(defaults.ports.http),
    BISA_MQTT_PORT: String(defaults.ports.mqtt),
    BISA_MQTT_WS_PORT: String(defaults.ports.mqttWs),
    BISA_DATA_DIR: '<repository>/.data/embedded',
    BISA_SIMULATOR: 'true',
    BISA_SIMULATOR_INTERVAL_SECONDS: String(defaults.simulator.intervalMs / 1000),
    LOG_LEVEL: defaults.logLevel,
  };
  const rows = Object.entries(HUB_VARIABLES).map(
    ([name, text]) => `  ${name.padEnd(width)}  ${text} (default: ${shown[name]})`,
  );
  return [
    'Usage: node hub/src/main.ts [--help]',
    '',
    'Runs the whole BISA Hub in one process: embedded PostgreSQL/TimescaleDB, MQTT broker,',
    'ingest worker, GraphQL gateway, dashboard and simulated sample devices.',
    '',
    'Environment variables:',
    ...rows,
  ].join('\n');
}
