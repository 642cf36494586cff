import { encodeReadingsPayload } from '@bisa/contract/payload.ts';
import { readingsTopic, statusTopic } from '@bisa/contract/topics.ts';
import type { MqttClient } from 'mqtt';
import { FLOOD_SCENARIO_SECONDS, floodRainfall, floodWaterLevel } from './flood-scenario.ts';

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export interface FloodDrillOptions {
  deviceId: string;
  /** Scenario seconds per real second: 10 plays the hour in six minutes. */
  speed: number;
  /** Real seconds between two readings. */
  intervalSeconds: number;
  /** Part of the scenario to play, in scenario seconds (default all of it). */
  fromSeconds?: number;
  untilSeconds?: number;
  /** Also publish the rain gauge's `rainfall` (the sample river gauges have one). */
  rainfall: boolean;
  signal?: AbortSignal;
  onReading?: (r: { scenarioSeconds: number; waterLevel: number; rainfall: number }) => void;
}

/**
 * Plays the flash flood on a connected device client: readings with the current time and the
 * scenario's value, QoS 1, exactly as the device would publish them. Resolves with the number of
 * readings published, early when `signal` aborts.
 */
export async function runFloodDrill(client: MqttClient, options: FloodDrillOptions): Promise<number> {
  const step = options.intervalSeconds * options.speed;
  let published = 0;
  const until = Math.min(options.untilSeconds ?? FLOOD_SCENARIO_SECONDS, FLOOD_SCENARIO_SECONDS);
  for (let t = options.fromSeconds ?? 0; t <= until && !options.signal?.aborted; t += step) {
    const waterLevel = floodWaterLevel(t);
    const rainfall = floodRainfall(t);
    const values: Record<string, number> = { water_level: waterLevel };
    if (options.rainfall) values.rainfall = rainfall;
    await client.publishAsync(
      readingsTopic(options.deviceId),
      encodeReadingsPayload([{ time: new Date(), values }]),
      { qos: 1 },
    );
    published += 1;
    options.onReading?.({ scenarioSeconds: t, waterLevel, rainfall });
    await pause(options.intervalSeconds * 1000, options.signal);
  }
  return published;
}

/**
 * Makes a device fall silent for `seconds`: its retained status says "offline" (the simulated
 * device in the embedded hub then stops publishing), then "online" again, also when aborted.
 */
export async function runStaleDrill(
  client: MqttClient,
  options: { deviceId: string; seconds: number; signal?: AbortSignal; onTick?: (left: number) => void },
): Promise<void> {
  const topic = statusTopic(options.deviceId);
  await client.publishAsync(topic, 'offline', { qos: 1, retain: true });
  try {
    const end = Date.now() + options.seconds * 1000;
    while (!options.signal?.aborted && Date.now() < end) {
      options.onTick?.(Math.ceil((end - Date.now()) / 1000));
      await pause(Math.min(30_000, end - Date.now()), options.signal);
    }
  } finally {
    await client.publishAsync(topic, 'online', { qos: 1, retain: true });
  }
}
