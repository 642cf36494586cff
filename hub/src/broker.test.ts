import { hashSecret } from '@bisa/db/secret-hash.ts';
import { storedValues, type TestDatabase } from '@bisa/db/testing.ts';
import { createIngestPipeline } from '@bisa/ingest/ingest-pipeline.ts';
import { disableDevice, insertDevice, setDeviceCredential } from '@bisa/ingest/repositories/devices.ts';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from './broker.ts';
import { startTestBroker } from './testing.ts';

/** Resolves with the arguments of the client's next `event` (mqtt.js typed emitters are not node:events emitters). */
function nextEvent(client: MqttClient, event: 'message' | 'close'): Promise<unknown[]> {
  return new Promise((resolve) => {
    client.once(event, (...args: unknown[]) => resolve(args));
  });
}

let db: TestDatabase;
let broker: EmbeddedBroker;
const clients: MqttClient[] = [];

function connect(username: string | undefined, password: string | undefined, port = broker.ports.mqtt) {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  });
}

async function connected(username: string, password: string, port?: number): Promise<MqttClient> {
  const client = await connect(username, password, port);
  clients.push(client);
  return client;
}

let testBroker: Awaited<ReturnType<typeof startTestBroker>>;

beforeAll(async () => {
  testBroker = await startTestBroker();
  ({ db, broker } = testBroker);
});

afterAll(async () => {
  for (const client of clients) await client.endAsync(true);
  await testBroker.stop();
});

describe('embedded broker authentication', () => {
  it('lets a registered device in with its secret', async () => {
    const device = await connected('masamba-river-01', 'sample-masamba-river-01');
    expect(device.connected).toBe(true);
  });

  it.each([
    ['a wrong secret', 'masamba-river-01', 'not-the-secret'],
    ['an unknown device', 'nobody-01', 'sample-nobody-01'],
    ['no credentials', undefined, undefined],
    ['a user name that is not a device id', 'Robert); DROP TABLE thing;--', 'x'],
  ])('refuses %s', async (_case, username, password) => {
    await expect(connect(username, password)).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('accepts connections over WebSocket', async () => {
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${broker.ports.mqttWs}`, {
      username: 'baliase-river-01',
      password: 'sample-baliase-river-01',
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(client);
    expect(client.connected).toBe(true);
  });
});

describe('embedded broker topic isolation', () => {
  it('delivers a device reading to the service subscriber', async () => {
    const service = await connected(broker.serviceCredentials.username, broker.serviceCredentials.password);
    await service.subscribeAsync('bisa/v1/+/readings', { qos: 1 });
    const device = await connected('masamba-market-aq-01', 'sample-masamba-market-aq-01');
    const received = nextEvent(service, 'message');
    await device.publishAsync('bisa/v1/masamba-market-aq-01/readings', 'hello', { qos: 1 });
    const [topic, payload] = (await received) as [string, Buffer];
    expect(topic).toBe('bisa/v1/masamba-market-aq-01/readings');
    expect(payload.toString()).toBe('hello');
  });

  it('refuses a device publishing under another device, and forwards nothing forged', async () => {
    const service = await connected(broker.serviceCredentials.username, broker.serviceCredentials.password);
    await service.subscribeAsync('bisa/v1/+/readings', { qos: 1 });
    const topics: string[] = [];
    service.on('message', (topic) => topics.push(topic));

    const forger = await connected('masamba-park-wifi-01', 'sample-masamba-park-wifi-01');
    const closed = nextEvent(forger, 'close');
    forger.publish('bisa/v1/baliase-river-01/readings', 'forged', { qos: 1 });
    await closed;

    const genuine = await connected('baliase-river-01', 'sample-baliase-river-01');
    const marker = nextEvent(service, 'message');
    await genuine.publishAsync('bisa/v1/baliase-river-01/readings', 'genuine', { qos: 1 });
    await marker;
    expect(topics).toEqual(['bisa/v1/baliase-river-01/readings']);
  });

  it("refuses a device's subscription to other devices' topics", async () => {
    const device = await connected('ormas-service-01', 'sample-ormas-service-01');
    // mqtt.js turns the SUBACK failure code (0x80) into a rejection; the client stays connected.
    await expect(device.subscribeAsync('bisa/v1/+/readings', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(device.connected).toBe(true);
    const own = await device.subscribeAsync('bisa/v1/ormas-service-01/#', { qos: 1 });
    expect(own.map((g) => g.qos)).toEqual([1]);
  });
});

describe('embedded broker ports', () => {
  it('names the variable to change when a port is taken', async () => {
    const second = new EmbeddedBroker({
      host: '127.0.0.1',
      port: broker.ports.mqtt,
      wsPort: 0,
      sql: db.database.sql,
      logger: pino({ level: 'silent' }),
    });
    await expect(second.start()).rejects.toThrow(
      `port ${broker.ports.mqtt} on 127.0.0.1 is already in use: set BISA_MQTT_PORT`,
    );
    await second.stop();
  });
});

describe('embedded broker with in-process ingest', () => {
  let hooked: EmbeddedBroker;
  const calls: { topic: string; payload: string; settle: { resolve(): void; reject(error: Error): void } }[] =
    [];
  let called: () => void = () => {};

  beforeAll(async () => {
    hooked = new EmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      wsPort: 0,
      sql: db.database.sql,
      logger: pino({ level: 'silent' }),
      onDeviceMessage: ({ topic, payload }) =>
        new Promise<void>((resolve, reject) => {
          calls.push({ topic, payload: Buffer.from(payload).toString(), settle: { resolve, reject } });
          called();
        }),
    });
    await hooked.start();
  });
  afterAll(async () => {
    await hooked.stop();
  });

  const nextCall = () =>
    new Promise<(typeof calls)[number]>((resolve) => {
      called = () => {
        const call = calls.at(-1);
        if (call) resolve(call);
      };
    });

  it('acknowledges to the device only after ingest has committed', async () => {
    const device = await connected('masamba-river-01', 'sample-masamba-river-01', hooked.ports.mqtt);
    const call = nextCall();
    let acknowledged = false;
    const published = device.publishAsync('bisa/v1/masamba-river-01/readings', 'r1', { qos: 1 }).then(() => {
      acknowledged = true;
    });
    const pending = await call;
    expect(pending).toMatchObject({ topic: 'bisa/v1/masamba-river-01/readings', payload: 'r1' });
    // The hook has the message; a PINGREQ round trip proves the broker had time to answer, yet no PUBACK came.
    await new Promise<void>((resolve) => {
      const onPacket = (packet: { cmd: string }) => {
        if (packet.cmd !== 'pingresp') return;
        device.off('packetreceive', onPacket);
        resolve();
      };
      device.on('packetreceive', onPacket);
      device.sendPing();
    });
    expect(acknowledged).toBe(false);
    pending.settle.resolve();
    await published;
    expect(acknowledged).toBe(true);
  });

  it('disconnects the device without acknowledging when the commit fails', async () => {
    const device = await connected('baliase-river-01', 'sample-baliase-river-01', hooked.ports.mqtt);
    const call = nextCall();
    const closed = nextEvent(device, 'close');
    let acknowledged = false;
    device
      .publishAsync('bisa/v1/baliase-river-01/readings', 'r2', { qos: 1 })
      .then(() => {
        acknowledged = true;
      })
      .catch(() => {});
    (await call).settle.reject(new Error('database down'));
    await closed;
    expect(acknowledged).toBe(false);
  });

  it('refuses a shared subscription it cannot honour, keeping the client connected', async () => {
    const service = await connected(
      hooked.serviceCredentials.username,
      hooked.serviceCredentials.password,
      hooked.ports.mqtt,
    );
    await expect(service.subscribeAsync('$share/bisa-ingest/bisa/v1/+/readings', { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    expect(service.connected).toBe(true);
  });
});

describe('embedded broker with the ingest pipeline on a database', () => {
  it('commits nothing a device forges under another device id', async () => {
    const logger = pino({ level: 'silent' });
    const pipeline = createIngestPipeline({ database: db.database, logger });
    const ingested: string[] = [];
    const ingesting = new EmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      wsPort: 0,
      sql: db.database.sql,
      logger,
      onDeviceMessage: (message) => {
        ingested.push(message.topic);
        return pipeline.handle(message);
      },
    });
    await ingesting.start();
    try {
      const reading = (value: number) =>
        JSON.stringify({ time: new Date(Date.now() - 60_000).toISOString(), values: { water_level: value } });
      const forger = await connected(
        'masamba-park-wifi-01',
        'sample-masamba-park-wifi-01',
        ingesting.ports.mqtt,
      );
      const closed = nextEvent(forger, 'close');
      forger.publish('bisa/v1/baliase-river-01/readings', reading(666), { qos: 1 });
      await closed;
      const genuine = await connected('baliase-river-01', 'sample-baliase-river-01', ingesting.ports.mqtt);
      // Acknowledged only after the commit: once this resolves, the database holds it.
      await genuine.publishAsync('bisa/v1/baliase-river-01/readings', reading(1), { qos: 1 });
      expect(ingested).toEqual(['bisa/v1/baliase-river-01/readings']);
      const { rows } = await db.database.sql.query<{ value: number }>(
        `SELECT r.value FROM reading r JOIN datastream d ON d.id = r.datastream_id WHERE d.thing_id = 'baliase-river-01'`,
      );
      expect(rows.map((r) => r.value)).toEqual([1]);
      const letters = await db.database.sql.query('SELECT 1 FROM dead_letter');
      expect(letters.rows).toHaveLength(0);
    } finally {
      await ingesting.stop();
    }
  });
});

describe('embedded broker after a device credential changes', () => {
  let checking: EmbeddedBroker;
  const secret = 'first-secret-of-the-device';

  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    const pipeline = createIngestPipeline({ database: db.database, logger });
    checking = new EmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      wsPort: 0,
      sql: db.database.sql,
      logger,
      // Short, so the test waits for the check rather than for a clock.
      credentialCheckMs: 50,
      onDeviceMessage: (message) => pipeline.handle(message),
    });
    await checking.start();
  });
  afterAll(async () => {
    await checking.stop();
  });

  async function register(id: string): Promise<void> {
    const credentialHash = await hashSecret(secret);
    await db.database.sql.transaction((tx) =>
      insertDevice(tx, {
        id,
        name: id,
        programmeId: 'flood-early-warning',
        locationId: 'masamba-bridge',
        credentialHash,
        datastreams: [{ key: 'water_level', observedPropertyId: 'water_level', unit: 'm' }],
      }),
    );
  }

  const reading = (value: number) =>
    JSON.stringify({
      time: new Date(Date.now() - 60_000 + value).toISOString(),
      values: { water_level: value },
    });

  it.each([
    [
      'rotated',
      'rotated-gauge-01',
      async (id: string) => {
        await setDeviceCredential(db.database.sql, id, await hashSecret('the-new-secret'));
      },
    ],
    [
      'removed by disabling the device',
      'disabled-gauge-01',
      async (id: string) => {
        await disableDevice(db.database.sql, id);
      },
    ],
  ])(
    'disconnects a device whose secret was %s, and stores nothing more from the old secret',
    async (_case, id, change) => {
      await register(id);
      const device = await connected(id, secret, checking.ports.mqtt);
      // Acknowledged only after the commit.
      await device.publishAsync(`bisa/v1/${id}/readings`, reading(1), { qos: 1 });
      expect(await storedValues(db.database.sql, id)).toEqual([1]);

      const closed = nextEvent(device, 'close');
      await change(id);
      await closed;
      // What it sends next can only come over a new connection, and the old secret opens none.
      await expect(connect(id, secret, checking.ports.mqtt)).rejects.toThrow(/Bad username or password/i);
      expect(await storedValues(db.database.sql, id)).toEqual([1]);
    },
  );

  it('keeps a device connected while its credential is unchanged', async () => {
    await register('steady-gauge-01');
    await register('rotated-gauge-02');
    const steady = await connected('steady-gauge-01', secret, checking.ports.mqtt);
    const other = await connected('rotated-gauge-02', secret, checking.ports.mqtt);
    // One check compares every connected device: once the rotated one is closed, the steady one was compared too.
    const closed = nextEvent(other, 'close');
    await setDeviceCredential(db.database.sql, 'rotated-gauge-02', await hashSecret('the-new-secret'));
    await closed;
    expect(steady.connected).toBe(true);
    await steady.publishAsync('bisa/v1/steady-gauge-01/readings', reading(2), { qos: 1 });
    expect(await storedValues(db.database.sql, 'steady-gauge-01')).toEqual([2]);
  });
});
