#!/usr/bin/env node
import pino from 'pino';
import { ConfigError, hubHelp, parseHubConfig } from './config.ts';
import { Hub, SAMPLE_DEVICES } from './hub.ts';

// The composition root: reads the configuration, starts the hub, prints the banner, and
// stops everything in order on SIGINT/SIGTERM.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(hubHelp());
  process.exit(0);
}

let config: ReturnType<typeof parseHubConfig>;
try {
  config = parseHubConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`bisa-hub: ${error.message}\nRun with --help for every variable and its default.`);
  process.exit(2);
}

const logger = pino({ level: config.logLevel, base: { service: 'bisa-hub' } });
const hub = new Hub(config, logger);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await hub.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await hub.start();
} catch (error) {
  logger.fatal({ err: error }, 'BISA Hub could not start');
  console.error(`bisa-hub: ${(error as Error).message}`);
  await hub.stop();
  process.exit(1);
}

const a = hub.addresses;
const devices = SAMPLE_DEVICES.map((d) => `      ${d.id.padEnd(22)} password ${d.secret}`).join('\n');
process.stdout.write(`
  BISA Hub is running (embedded mode: everything in this process)

    Dashboard        ${a.dashboard}
    GraphQL          ${a.graphql}
    MQTT (TCP)       ${a.mqtt}
    MQTT (WebSocket) ${a.mqttWs}
    Data folder      ${a.dataDir ?? '(in memory)'}

    Sample devices (SAMPLE DATA; user name = device id, publish to bisa/v1/<device id>/readings):
${devices}

    Try:  mosquitto_pub -h ${new URL(a.mqtt).hostname} -p ${new URL(a.mqtt).port} -u masamba-river-01 -P sample-masamba-river-01 -q 1 \\
            -t bisa/v1/masamba-river-01/readings -m "{\\"time\\":\\"$(date -u +%FT%TZ)\\",\\"values\\":{\\"water_level\\":2.5}}"

  Press Ctrl-C to stop.

`);
