import { parseReadingsPayload } from '@bisa/contract/payload.ts';
import { readingsTopic } from '@bisa/contract/topics.ts';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmbeddedBroker } from './broker.ts';
import { SAMPLE_DEVICES } from './hub.ts';
import { Simulator } from './simulator.ts';
import { startTestBroker } from './testing.ts';

let testBroker: Awaited<ReturnType<typeof startTestBroker>>;
let broker: EmbeddedBroker;
let observer: MqttClient;
// The broker's in-process ingest: a device's PUBACK waits for it, as for a commit. Acknowledges
// at once unless a test puts a slower one in place.
let ingest: (message: { topic: string; payload: Uint8Array }) => Promise<void> = async () => {};

beforeAll(async () => {
  testBroker = await startTestBroker({ onDeviceMessage: (message) => ingest(message) });
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

describe('simulator at the declared intervals', () => {
  it('sends each device at most once per its own interval, the first readings spread over the shortest', async () => {
    const [river, service] = SAMPLE_DEVICES.filter(
      (d) => d.id === 'masamba-river-01' || d.id === 'ormas-service-01',
    );
    if (!river || !service) throw new Error('no masamba-river-01 or ormas-service-01 in the sample devices');
    // Scaled down from a minute and five minutes, so that the test takes seconds.
    const devices = [
      { ...river, intervalMs: 600 },
      { ...service, intervalMs: 3_000 },
    ];
    // The readings' own observation times, not their arrival: a loaded machine delays arrivals
    // but cannot make the simulator's clock run early, so what is asserted does not depend on load.
    const observed = new Map(devices.map((d) => [readingsTopic(d.id), [] as number[]]));
    const note = (topic: string, payload: Buffer) => {
      const parsed = parseReadingsPayload(payload);
      if (parsed.ok) observed.get(topic)?.push(...parsed.readings.map((r) => r.time.getTime()));
    };
    observer.on('message', note);
    await observer.subscribeAsync([...observed.keys()], { qos: 1 });
    const simulator = new Simulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.ports.mqtt}`,
      devices,
      logger: pino({ level: 'silent' }),
    });
    const [fast, slow] = [...observed.values()];
    if (!fast || !slow) throw new Error('no topics observed');
    try {
      await simulator.start();
      const giveUpAt = Date.now() + 20_000;
      while ((fast.length < 5 || slow.length < 2) && Date.now() < giveUpAt)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await simulator.stop();
      observer.off('message', note);
    }
    expect(fast.length).toBeGreaterThanOrEqual(5);
    expect(slow.length).toBeGreaterThanOrEqual(2);
    const [fastFirst = 0] = fast;
    const [slowFirst = 0] = slow;
    // The second of two devices starts half the shortest interval after the first.
    expect(slowFirst - fastFirst).toBeGreaterThanOrEqual(300);
    // One reading per slot of each device's schedule, never two. The schedule starts when the
    // first device's first reading is stamped (at once, on start), the second device's half the
    // shortest interval later; a reading may come late in its slot, never early.
    const slots = (times: number[], origin: number, interval: number) =>
      times.map((time) => Math.floor((time - origin) / interval));
    for (const [times, origin, interval] of [
      [fast, fastFirst, 600],
      [slow, fastFirst + 300, 3_000],
    ] as const) {
      const deviceSlots = slots(times, origin, interval);
      expect(new Set(deviceSlots).size, `slots ${deviceSlots.join(', ')}`).toBe(deviceSlots.length);
    }
  });
});

describe('simulator with a device the broker refuses', () => {
  it('starts without it and keeps the other devices publishing', async () => {
    // masamba-river-01 as after rotateDeviceCredential or disableDevice: its sample secret no
    // longer logs in, and the embedded hub keeps it so across restarts.
    const [river, other] = SAMPLE_DEVICES.filter(
      (d) => d.id === 'masamba-river-01' || d.id === 'baliase-river-01',
    );
    if (!river || !other) throw new Error('no river gauges in the sample devices');
    const received = new Map([river, other].map((d) => [readingsTopic(d.id), 0]));
    const count = (topic: string) => received.set(topic, (received.get(topic) ?? 0) + 1);
    observer.on('message', count);
    await observer.subscribeAsync([...received.keys()], { qos: 1 });
    const simulator = new Simulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.ports.mqtt}`,
      devices: [{ ...river, secret: 'not-its-secret-any-more' }, other],
      intervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
    });
    try {
      await simulator.start(); // the first round
      await simulator.publishAll();
      await vi.waitFor(() => expect(received.get(readingsTopic(other.id))).toBe(2));
    } finally {
      await simulator.stop();
      observer.off('message', count);
    }
    expect(Object.fromEntries(received)).toEqual({
      [readingsTopic(river.id)]: 0,
      [readingsTopic(other.id)]: 2,
    });
  });
});

describe('simulator with a slow commit', () => {
  it('holds one reading in flight per device: a round while it is unacknowledged is skipped, not queued', async () => {
    const [river] = SAMPLE_DEVICES.filter((d) => d.id === 'masamba-river-01');
    if (!river) throw new Error('no masamba-river-01 in the sample devices');
    const topic = readingsTopic(river.id);
    let readings = 0;
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let heldArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      heldArrived = resolve;
    });
    // The first reading is committed at once, the second waits until released (a slow
    // database), every later one is committed at once again.
    ingest = async (message) => {
      if (message.topic !== topic) return;
      readings++;
      if (readings === 2) {
        heldArrived();
        await held;
      }
    };
    const simulator = new Simulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.ports.mqtt}`,
      devices: [river],
      intervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
    });
    try {
      await simulator.start(); // round 1, acknowledged
      const second = simulator.publishAll(); // round 2, held by the broker
      await arrived;
      // Rounds 3 and 4 come while the device still waits for round 2's PUBACK.
      const later = [simulator.publishAll(), simulator.publishAll()];
      release?.();
      await Promise.all([second, ...later]);
      // Round 5 goes out once round 2 is acknowledged. Had rounds 3 and 4 been queued in
      // mqtt.js, the broker would have had them before it (one client's messages keep their order).
      await simulator.publishAll();
      expect(readings).toBe(3);
      expect(simulator.skippedRounds).toBe(2);
    } finally {
      release?.();
      await simulator.stop();
      ingest = async () => {};
    }
  });
});

/** Waits until every device's topic has brought `count` messages, or gives up after a while (a device gone quiet). */
async function everyDeviceReceived(received: Map<string, number>, count: number): Promise<void> {
  const giveUpAt = Date.now() + 20_000;
  while ([...received.values()].some((n) => n < count) && Date.now() < giveUpAt)
    await new Promise((resolve) => setTimeout(resolve, 10));
}
