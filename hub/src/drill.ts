#!/usr/bin/env node
// Alert drills for operators and demos: a Masamba-like flash flood, or a device falling silent,
// published through the MQTT broker as the device itself. Usage: node hub/src/drill.ts --help
import { parseArgs } from 'node:util';
import { sampleDeviceSecret } from '@bisa/db/sample-data.ts';
import mqtt from 'mqtt';
import { runFloodDrill, runStaleDrill } from './drill-runner.ts';
import { FLOOD_SCENARIO_SECONDS, SURGE_START_SECONDS } from './flood-scenario.ts';

const USAGE = `Usage: node hub/src/drill.ts <flood|stale> [options]

  flood   replays a Masamba-like flash flood on a river gauge: rain, the river falls, then
          surges about 4 m within minutes and recedes (SAMPLE DATA). With the sample rules the
          rate-of-rise alert opens before the fixed water-level threshold is crossed.
  stale   makes the device fall silent (status "offline"; the embedded hub's simulated device
          stops publishing) so the no-data rule raises an alert, then lets it resume.

Options:
  --device <id>        device to act as (default masamba-river-01)
  --mqtt <url>         broker (default mqtt://127.0.0.1:1884, the embedded hub's)
  --password <secret>  the device's secret (default the public sample secret of a sample device)
  --from <minute>      flood: scenario minute to start at (default 20; the surge starts at 25)
  --until <minute>     flood: scenario minute to stop at (default 45; the scenario has 60)
  --speed <n>          flood: scenario seconds per real second (default 2: minutes 20-45 in 12.5
                       minutes). Pending periods and windows of rules are real time, so a faster
                       drill delays alerts relative to the flood; up to 4 the sample rate-of-rise
                       alert still comes before the threshold is crossed.
  --interval <s>       flood: real seconds between readings (default 2)
  --no-rain            flood: publish only water_level (for a gauge without a rain sensor)
  --minutes <n>        stale: minutes of silence (default 4; the sample rule raises after 3)
  -h, --help           show this help

Ctrl-C stops the drill; the device is left "online".`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      device: { type: 'string', default: 'masamba-river-01' },
      mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1884' },
      password: { type: 'string' },
      from: { type: 'string', default: '20' },
      until: { type: 'string', default: '45' },
      speed: { type: 'string', default: '2' },
      interval: { type: 'string', default: '2' },
      'no-rain': { type: 'boolean', default: false },
      minutes: { type: 'string', default: '4' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  console.error(`drill: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [command, ...extra] = positionals;
if ((command !== 'flood' && command !== 'stale') || extra.length > 0) {
  console.error(`drill: expected "flood" or "stale"\n\n${USAGE}`);
  process.exit(2);
}
const number = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`drill: --${name} must be a number from ${min} to ${max}, not "${text}"`);
    process.exit(2);
  }
  return n;
};
const speed = number('speed', values.speed, 1, 600);
const intervalSeconds = number('interval', values.interval, 0.1, 60);
const minutes = number('minutes', values.minutes, 0.1, 24 * 60);
const fromSeconds = number('from', values.from, 0, FLOOD_SCENARIO_SECONDS / 60) * 60;
const untilSeconds = number('until', values.until, fromSeconds / 60, FLOOD_SCENARIO_SECONDS / 60) * 60;
const deviceId = values.device;

let client: mqtt.MqttClient;
try {
  client = await mqtt.connectAsync(values.mqtt, {
    clientId: `drill-${deviceId}-${process.pid}`,
    username: deviceId,
    password: values.password ?? sampleDeviceSecret(deviceId),
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
} catch (error) {
  console.error(
    `drill: could not connect to ${values.mqtt} as ${deviceId}: ${(error as Error).message}. ` +
      'Is the hub running (./bisa start)? For a device that is not a sample one, pass --password.',
  );
  process.exit(1);
}

const abort = new AbortController();
process.on('SIGINT', () => abort.abort());
process.on('SIGTERM', () => abort.abort());
const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

if (command === 'flood') {
  const realSeconds = (untilSeconds - fromSeconds) / speed;
  const surgeIn = (SURGE_START_SECONDS - fromSeconds) / speed;
  console.log(
    `drill: flash flood on ${deviceId} via ${values.mqtt}, scenario t+${mmss(fromSeconds)} to t+${mmss(untilSeconds)} ` +
      `at ${speed}x: ${mmss(realSeconds)} (min:s), a reading every ${intervalSeconds} s` +
      `${surgeIn > 0 ? `; the surge starts in ${mmss(surgeIn)}` : ''}. SAMPLE DATA. Ctrl-C stops.`,
  );
  let lastMinute = -1;
  const published = await runFloodDrill(client, {
    deviceId,
    speed,
    intervalSeconds,
    rainfall: !values['no-rain'],
    fromSeconds,
    untilSeconds,
    signal: abort.signal,
    onReading: ({ scenarioSeconds, waterLevel, rainfall }) => {
      const minute = Math.floor(scenarioSeconds / 60);
      if (minute === lastMinute) return;
      lastMinute = minute;
      console.log(
        `  scenario t+${mmss(scenarioSeconds)}  water ${waterLevel.toFixed(2)} m  rain ${rainfall} mm`,
      );
    },
  });
  console.log(`drill: ${published} readings published${abort.signal.aborted ? ' (stopped early)' : ''}.`);
} else {
  console.log(`drill: ${deviceId} falls silent for ${minutes} min (status offline). Ctrl-C ends it early.`);
  await runStaleDrill(client, {
    deviceId,
    seconds: minutes * 60,
    signal: abort.signal,
    onTick: (left) => console.log(`  silent, ${mmss(left)} left`),
  });
  console.log(`drill: ${deviceId} is online again; its alert resolves with the next readings.`);
}
await client.endAsync();
