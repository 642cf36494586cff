#!/usr/bin/env node
import { SAMPLE_KIOSK, SAMPLE_USERS } from '@bisa/db/sample-data.ts';
import { configOrExit } from '@bisa/service/environment.ts';
import { runUntilSignalled } from '@bisa/service/lifecycle.ts';
import { logDestination } from '@bisa/service/log-format.ts';
import pino from 'pino';
import { hubHelp, parseHubConfig } from './config.ts';
import { Hub, SAMPLE_DEVICES } from './hub.ts';

// The composition root: reads the configuration, starts the hub, prints the banner, and
// stops everything in order on SIGINT/SIGTERM.
const config = configOrExit('bisa-hub', parseHubConfig, hubHelp);
const logFormat = config.logFormat === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : config.logFormat;
const logger = pino({ level: config.logLevel, base: { service: 'bisa-hub' } }, logDestination(logFormat));
const hub = new Hub(config, logger);
await runUntilSignalled({ program: 'bisa-hub', logger, start: () => hub.start(), stop: () => hub.stop() });

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

    Sample accounts (SAMPLE DATA; signIn mutation; password sample-<name before @>, e.g. sample-admin):
      ${SAMPLE_USERS.map((u) => `${u.email} (${u.role.toLowerCase()})`).join(', ')}
      Sign in on the dashboard at ${a.dashboard}login

    Wall screen in kiosk mode (SAMPLE DATA; read-only key, open once on the wall's browser):
      ${a.dashboard}wall#kiosk=${SAMPLE_KIOSK.key}

    Try:  mosquitto_pub -h ${new URL(a.mqtt).hostname} -p ${new URL(a.mqtt).port} -u masamba-river-01 -P sample-masamba-river-01 -q 1 \\
            -t bisa/v1/masamba-river-01/readings -m "{\\"time\\":\\"$(date -u +%FT%TZ)\\",\\"values\\":{\\"water_level\\":2.5}}"

  Press Ctrl-C to stop.

`);
