import { readingsTopic } from '@bisa/contract/topics.ts';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from './broker.ts';
import { SAMPLE_DEVICES } from './hub.ts';
import { Simulator } from './simulator.ts';
import { startTestBroker } from './testing.ts';

let testBroker: Awaited<ReturnType<typeof startTestBroker>>;
let broker: EmbeddedBroker;
let observer: MqttClient;

beforeAll(async () => {
  testBroker = await startTestBroker();
  broker = testBroker.broker;
  observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.ports.mqtt}`, {
    ...broker.serviceCredentials,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
});

afterAll(async () => {
  await observer?.endAsync(true);
  await testBroker?.stop();
});

describe('simulator', () => {
  it('keeps every device publishing when two devices send the same payload', async () => {
    // Both river gauges measure water level and rainfall; with the same noise their payloads
    // are the same bytes in every round, as they are by chance with the real noise.
    const rivers = SAMPLE_DEVICES.filter((d) => d.id === 'masamba-river-01' || d.id === 'baliase-river-01');
    expect(rivers).toHaveLength(2);
    const received = new Map(rivers.map((d) => [readingsTopic(d.id), 0]));
    observer.on('message', (topic) => received.set(topic, (received.get(topic) ?? 0) + 1));
    await observer.subscribeAsync(
      rivers.map((d) => readingsTopic(d.id)),
      { qos: 1 },
    );
    const simulator = new Simulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.ports.mqtt}`,
      devices: rivers,
      intervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
      random: () => 0.5,
    });
    const rounds = 4;
    try {
      await simulator.start(); // the first round
      for (let round = 2; round <= rounds; round++) {
        await everyDeviceReceived(received, round - 1);
        // Each device's own echo of the last round reaches it with the observer's copy.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await simulator.publishAll();
      }
      await everyDeviceReceived(received, rounds);
    } finally {
      await simulator.stop();
    }
    expect([...received.values()]).toEqual([rounds, rounds]);
  });
});

/** Waits until every device's topic has brought `count` messages, or gives up after a while (a device gone quiet). */
async function everyDeviceReceived(received: Map<string, number>, count: number): Promise<void> {
  const giveUpAt = Date.now() + 20_000;
  while ([...received.values()].some((n) => n < count) && Date.now() < giveUpAt)
    await new Promise((resolve) => setTimeout(resolve, 10));
}
