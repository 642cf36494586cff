import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_BATCH_LENGTH, MAX_PAYLOAD_BYTES } from '@bisa/contract/payload.ts';
import { readingsTopic } from '@bisa/contract/topics.ts';
import {
  type CommittedReading,
  parseReadingsCommitted,
  READINGS_COMMITTED_CHANNEL,
} from '@bisa/db/notifications.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { parser as mqttParser, type Packet } from 'mqtt-packet';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { createHealthServer } from './http.ts';
import { createIngestWorker, type IngestWorker } from './ingest-worker.ts';
import { createMqttSubscriber } from './mqtt.ts';

// Real PostgreSQL and the machine's shared Mosquitto. Other test runs may publish on the same
// topics, so every assertion looks only at this file's own readings (unique times and payloads).
const BROKER_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const DEVICE = 'masamba-river-01';
const TOPIC = readingsTopic(DEVICE);
const logger = pino({ level: 'silent' });
const WAIT = { timeout: 15_000, interval: 50 };

const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
// A random millisecond of the last 20 days (inside the accepted window) per call, so no two tests
// (or runs) collide on (datastream, time).
const uniqueTime = () => new Date(Date.now() - 60_000 - Math.floor(Math.random() * 20 * 86_400_000));
const reading = (time: Date, values: Record<string, unknown>) =>
  JSON.stringify({ time: time.toISOString(), values });

let db: TestDatabase;
let publisher: MqttClient;
const workers: { worker: IngestWorker; clientId: string }[] = [];
const notifications: CommittedReading[] = [];

function startWorker(
  clientId = uniqueId('ingest-test'),
  protocolVersion: 4 | 5 = 5,
  keepaliveSeconds?: number,
): Promise<IngestWorker> {
  const worker = createIngestWorker({
    database: db.database,
    mqtt: { url: BROKER_URL, clientId, protocolVersion, ...(keepaliveSeconds ? { keepaliveSeconds } : {}) },
    logger,
  });
  workers.push({ worker, clientId });
  return worker.start().then(() => worker);
}

/** Removes a persistent session from the shared broker: a clean start with no session expiry. */
async function clearSession(clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(BROKER_URL, {
    clientId,
    clean: true,
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  await client.endAsync();
}

/** A throw-away Mosquitto on a free port, for faults the shared broker must not see. */
async function startPrivateBroker(...settings: string[]): Promise<{ url: string; kill(): void }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'bisa-ingest-mosquitto-'));
  // Mosquitto started as root drops to its own user, which must be able to read the file.
  await chmod(dir, 0o755);
  const conf = path.join(dir, 'mosquitto.conf');
  await writeFile(conf, [`listener ${port} 127.0.0.1`, ...settings, ''].join('\n'), { mode: 0o644 });
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(' running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}: ${log}`)));
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kill() {
      child.kill();
      void rm(dir, { recursive: true, force: true });
    },
  };
}

async function publish(topic: string, payload: string | Buffer): Promise<void> {
  // Resolves on the broker's PUBACK: the broker has the message, ingest may not yet.
  await publisher.publishAsync(topic, payload, { qos: 1 });
}

async function storedValue(key: string, time: Date): Promise<number | undefined> {
  const { rows } = await db.database.sql.query<{ value: number }>(
    `SELECT r.value FROM reading r JOIN datastream d ON d.id = r.datastream_id
     WHERE d.thing_id = $1 AND d.key = $2 AND r.time = $3`,
    [DEVICE, key, time],
  );
  return rows[0]?.value;
}

async function readingCount(time: Date): Promise<number> {
  const { rows } = await db.database.sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM reading r JOIN datastream d ON d.id = r.datastream_id
     WHERE d.thing_id = $1 AND r.time = $2`,
    [DEVICE, time],
  );
  return Number(rows[0]?.n);
}

async function expectStored(key: string, time: Date, value: number): Promise<void> {
  await vi.waitFor(async () => expect(await storedValue(key, time)).toBe(value), WAIT);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.database.sql.listen(READINGS_COMMITTED_CHANNEL, (payload) => {
    notifications.push(...parseReadingsCommitted(payload));
  });
  publisher = await mqtt.connectAsync(BROKER_URL, {
    clientId: uniqueId('ingest-test-pub'),
    clean: true,
    protocolVersion: 5,
  });
});

afterAll(async () => {
  for (const { worker } of workers) await worker.stop();
  for (const clientId of new Set(workers.map((w) => w.clientId))) await clearSession(clientId);
  await publisher?.endAsync();
  await db?.drop();
});

describe('ingest worker (PostgreSQL + Mosquitto)', () => {
  let worker: IngestWorker;
  beforeAll(async () => {
    worker = await startWorker();
  });
  // Stopped before the acknowledgement tests, so that no other subscriber can store their messages.
  afterAll(async () => {
    await worker.stop();
  });

  it('stores a single reading, moves latest_reading and marks the device seen', async () => {
    const time = uniqueTime();
    await publish(TOPIC, reading(time, { water_level: 2.25, rainfall: 0.5 }));
    await expectStored('water_level', time, 2.25);
    expect(await storedValue('rainfall', time)).toBe(0.5);
    const { rows } = await db.database.sql.query<{ time: Date; value: number; last_seen_at: Date | null }>(
      `SELECT l.time, l.value, t.last_seen_at FROM latest_reading l
       JOIN datastream d ON d.id = l.datastream_id JOIN thing t ON t.id = d.thing_id
       WHERE d.thing_id = $1 AND d.key = 'water_level'`,
      [DEVICE],
    );
    expect(rows[0]?.last_seen_at).not.toBeNull();
    // latest_reading only moves forward; a foreign run may have stored a later reading.
    expect(rows[0]?.time.getTime()).toBeGreaterThanOrEqual(time.getTime());
  });

  it('tells onReceived of each message as it arrives, before it is acknowledged', async () => {
    const time = uniqueTime();
    const payload = reading(time, { water_level: 1.5 });
    const seen: { topic: string; payload: string; acknowledgedBefore: number }[] = [];
    const clientId = uniqueId('ingest-test-received');
    const observed: IngestWorker = createIngestWorker({
      database: db.database,
      mqtt: { url: BROKER_URL, clientId },
      onReceived: (message) => {
        const text = message.payload.toString();
        // Other test runs publish on the same topic: only this test's message counts.
        if (text === payload) {
          seen.push({
            topic: message.topic,
            payload: text,
            acknowledgedBefore: observed.metrics().messagesAcknowledged,
          });
        }
      },
      logger,
    });
    workers.push({ worker: observed, clientId });
    await observed.start();
    await publish(TOPIC, payload);
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
    expect(seen[0]).toMatchObject({ topic: TOPIC, payload });
    await vi.waitFor(
      () => expect(observed.metrics().messagesAcknowledged).toBeGreaterThan(seen[0]?.acknowledgedBefore ?? 0),
      WAIT,
    );
    await expectStored('water_level', time, 1.5);
    await observed.stop();
  });

  it('stores a batch and keeps the newest reading as latest, ignoring an older one sent later', async () => {
    // Newer than every uniqueTime(), which are at least a minute old.
    const t1 = new Date(Date.now() - 50_000);
    const t2 = new Date(t1.getTime() + 20_000);
    const batch = JSON.stringify([
      { time: t1.toISOString(), values: { water_level: 1.1, rainfall: 3 } },
      { time: t2.toISOString(), values: { water_level: 1.2, rainfall: 4 } },
    ]);
    await publish(readingsTopic('baliase-river-01'), batch);
    const latest = async () => {
      const { rows } = await db.database.sql.query<{ key: string; time: Date; value: number }>(
        `SELECT d.key, l.time, l.value FROM latest_reading l JOIN datastream d ON d.id = l.datastream_id
         WHERE d.thing_id = 'baliase-river-01' ORDER BY d.key`,
      );
      return rows.map((r) => [r.key, r.time.toISOString(), r.value]);
    };
    await vi.waitFor(
      async () =>
        expect(await latest()).toEqual([
          ['rainfall', t2.toISOString(), 4],
          ['water_level', t2.toISOString(), 1.2],
        ]),
      WAIT,
    );
    const older = uniqueTime();
    await publish(readingsTopic('baliase-river-01'), reading(older, { water_level: 9 }));
    await vi.waitFor(async () => {
      const { rows } = await db.database.sql.query(
        `SELECT 1 FROM reading r JOIN datastream d ON d.id = r.datastream_id
         WHERE d.thing_id = 'baliase-river-01' AND r.time = $1`,
        [older],
      );
      expect(rows).toHaveLength(1);
    }, WAIT);
    expect((await latest())[1]).toEqual(['water_level', t2.toISOString(), 1.2]);
  });

  it('stores a message published twice once, and notifies only the new insert', async () => {
    const time = uniqueTime();
    const sentinel = uniqueTime();
    const message = reading(time, { water_level: 3.5 });
    const duplicatesBefore = worker.metrics().readingsDuplicate;
    await publish(TOPIC, message);
    await expectStored('water_level', time, 3.5);
    await publish(TOPIC, message);
    await vi.waitFor(
      () => expect(worker.metrics().readingsDuplicate).toBeGreaterThan(duplicatesBefore),
      WAIT,
    );
    // Notifications arrive in commit order, so once the later sentinel's has arrived, a
    // notification for the duplicate would have arrived before it.
    await publish(TOPIC, reading(sentinel, { water_level: 0.1 }));
    await vi.waitFor(
      () => expect(notifications.some((n) => n.time === sentinel.toISOString())).toBe(true),
      WAIT,
    );
    expect(await readingCount(time)).toBe(1);
    expect(notifications.filter((n) => n.time === time.toISOString())).toEqual([
      { datastreamId: expect.any(Number), time: time.toISOString(), value: 3.5 },
    ]);
  });

  const badInputs: { name: string; reason: string; topic?: string; payload: () => Buffer }[] = [
    {
      name: 'invalid JSON',
      reason: 'invalid_json',
      payload: () => Buffer.from(`{"time": "${uniqueId('x')}`),
    },
    {
      name: 'invalid UTF-8',
      reason: 'invalid_utf8',
      payload: () => Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), randomBytes(8)]),
    },
    {
      name: 'a number sent as a string',
      reason: 'invalid_value',
      payload: () => Buffer.from(reading(uniqueTime(), { water_level: '1.5' })),
    },
    {
      name: 'a number too large for a double',
      reason: 'invalid_value',
      payload: () => Buffer.from(`{"time":"${uniqueTime().toISOString()}","values":{"water_level":1e999}}`),
    },
    {
      name: 'a time without offset',
      reason: 'invalid_time',
      payload: () =>
        Buffer.from(
          `{"time":"2001-02-03T04:05:${10 + Math.floor(Math.random() * 49)}","values":{"water_level":1}}`,
        ),
    },
    {
      name: 'an unknown device',
      reason: 'unknown_device',
      topic: readingsTopic(uniqueId('ghost')),
      payload: () => Buffer.from(reading(uniqueTime(), { water_level: 1 })),
    },
    {
      name: 'an unknown metric',
      reason: 'unknown_metric',
      payload: () => Buffer.from(reading(uniqueTime(), { water_level: 1, pm25: 12 })),
    },
    {
      name: 'an oversize payload',
      reason: 'payload_too_large',
      payload: () => Buffer.concat([randomBytes(16), Buffer.alloc(MAX_PAYLOAD_BYTES, 0x20)]),
    },
    {
      name: 'a batch that is too large',
      reason: 'batch_too_large',
      payload: () => {
        const start = uniqueTime().getTime();
        return Buffer.from(
          JSON.stringify(
            Array.from({ length: MAX_BATCH_LENGTH + 1 }, (_, i) => ({
              time: new Date(start + i * 1000).toISOString(),
              values: { water_level: i },
            })),
          ),
        );
      },
    },
    {
      name: 'a time outside the accepted window',
      reason: 'time_outside_window',
      payload: () =>
        Buffer.from(
          reading(new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e10)), { water_level: 1 }),
        ),
    },
    {
      name: 'one metric twice at one time',
      reason: 'ambiguous_field',
      payload: () => {
        const time = uniqueTime();
        return Buffer.from(`[${reading(time, { water_level: 1 })},${reading(time, { water_level: 2 })}]`);
      },
    },
    {
      name: 'a status that is neither online nor offline',
      reason: 'invalid_status',
      topic: 'bisa/v1/masamba-river-01/status',
      payload: () => Buffer.from(`up-${uniqueId('s')}`),
    },
    {
      name: 'a malformed device id in the topic',
      reason: 'invalid_topic',
      topic: 'bisa/v1/Masamba_River/readings',
      payload: () => Buffer.from(reading(uniqueTime(), { water_level: 1 })),
    },
  ];

  it.each(badInputs)(
    'dead-letters $name as $reason and still stores a good reading after it',
    async (bad) => {
      const topic = bad.topic ?? TOPIC;
      const payload = bad.payload();
      const kept = payload.subarray(0, MAX_PAYLOAD_BYTES);
      await publish(topic, payload);
      const good = uniqueTime();
      await publish(TOPIC, reading(good, { rainfall: 7 }));
      await expectStored('rainfall', good, 7);
      // Messages on one connection are handled in order: the bad one was committed before the good one.
      const { rows } = await db.database.sql.query<{
        reason: string;
        client_id: string | null;
        detail: string;
      }>('SELECT reason, client_id, detail FROM dead_letter WHERE topic = $1 AND payload = $2', [
        topic,
        kept,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.reason).toBe(bad.reason);
      expect(rows[0]?.detail.length).toBeGreaterThan(10);
      const expectedClient = bad.reason === 'invalid_topic' ? null : topic.split('/')[2];
      expect(rows[0]?.client_id).toBe(expectedClient);
      expect(worker.metrics().deadLettered[bad.reason as 'invalid_json']).toBeGreaterThan(0);
    },
  );

  it('records why a registered device was refused on the device itself', async () => {
    await publish(readingsTopic('masamba-park-wifi-01'), '{"values":');
    await vi.waitFor(async () => {
      const { rows } = await db.database.sql.query<{ last_error: string | null }>(
        "SELECT last_error FROM thing WHERE id = 'masamba-park-wifi-01'",
      );
      expect(rows[0]?.last_error).toMatch(/^invalid_json: /);
    }, WAIT);
  });

  it('sees a device and a datastream registered after it started', async () => {
    const deviceId = uniqueId('late-device');
    const time = uniqueTime();
    const message = reading(time, { water_level: 4 });
    await publish(readingsTopic(deviceId), message);
    await vi.waitFor(async () => {
      const { rows } = await db.database.sql.query('SELECT 1 FROM dead_letter WHERE client_id = $1', [
        deviceId,
      ]);
      expect(rows).toHaveLength(1);
    }, WAIT);
    await db.database.sql.query(
      `INSERT INTO thing (id, name, programme_id, location_id) VALUES ($1, 'late', 'flood-early-warning', 'masamba-bridge')`,
      [deviceId],
    );
    await db.database.sql.query(
      `INSERT INTO datastream (thing_id, key, observed_property_id, unit) VALUES ($1, 'water_level', 'water_level', 'm')`,
      [deviceId],
    );
    await publish(readingsTopic(deviceId), message);
    const stored = async () => {
      const { rows } = await db.database.sql.query<{ key: string }>(
        `SELECT d.key FROM reading r JOIN datastream d ON d.id = r.datastream_id WHERE d.thing_id = $1 ORDER BY d.key`,
        [deviceId],
      );
      return rows.map((r) => r.key);
    };
    await vi.waitFor(async () => expect(await stored()).toEqual(['water_level']), WAIT);
    // Now cached: a datastream added later must still be found.
    await db.database.sql.query(
      `INSERT INTO datastream (thing_id, key, observed_property_id, unit) VALUES ($1, 'rainfall', 'rainfall', 'mm')`,
      [deviceId],
    );
    await publish(readingsTopic(deviceId), reading(uniqueTime(), { rainfall: 1 }));
    await vi.waitFor(async () => expect(await stored()).toEqual(['rainfall', 'water_level']), WAIT);
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const http = createHealthServer({ host: '127.0.0.1', port: 0, worker, database: db.database, logger });
    const port = await http.start();
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', mqtt: true, database: true });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^bisa_ingest_readings_committed_total [1-9]\d*$/m);
      expect(metrics).toMatch(/^bisa_ingest_dead_letters_total\{reason="invalid_json"\} [1-9]\d*$/m);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await http.stop();
    }
  });

  it('fails to start, instead of retrying forever, when the broker refuses the connection', async () => {
    const broker = await startPrivateBroker('allow_anonymous false');
    try {
      const refused = createIngestWorker({
        database: db.database,
        mqtt: { url: broker.url, clientId: uniqueId('ingest-test-refused'), username: 'x', password: 'y' },
        logger,
      });
      await expect(refused.start()).rejects.toThrow(/broker refused the connection/);
      await refused.stop();
    } finally {
      broker.kill();
    }
  });

  it('is not ready while MQTT is not connected', async () => {
    const idle = createIngestWorker({
      database: db.database,
      mqtt: { url: BROKER_URL, clientId: uniqueId('ingest-idle') },
      logger,
    });
    const http = createHealthServer({
      host: '127.0.0.1',
      port: 0,
      worker: idle,
      database: db.database,
      logger,
    });
    const port = await http.start();
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ mqtt: false, database: true });
    } finally {
      await http.stop();
    }
  });
});

async function takeReadingTableOffline(offline: boolean): Promise<void> {
  // A missing table makes every insert fail, like a database that refuses writes.
  await db.database.sql.exec(
    offline
      ? 'ALTER TABLE reading RENAME TO reading_offline'
      : 'ALTER TABLE reading_offline RENAME TO reading',
  );
}

describe('acknowledgement after commit', () => {
  it('keeps retrying on the same connection and commits once the database recovers', async () => {
    const worker = await startWorker();
    const failuresBefore = worker.metrics().commitFailures;
    const time = uniqueTime();
    await takeReadingTableOffline(true);
    try {
      await publish(TOPIC, reading(time, { water_level: 5.5 }));
      await vi.waitFor(
        () => expect(worker.metrics().commitFailures).toBeGreaterThan(failuresBefore + 1),
        WAIT,
      );
    } finally {
      await takeReadingTableOffline(false);
    }
    await expectStored('water_level', time, 5.5);
    expect(worker.metrics().mqttConnects).toBe(1);
    await worker.stop();
  });

  it('leaves a message that could not be committed with the broker, which redelivers it after restart', async () => {
    const clientId = uniqueId('ingest-test-ack');
    const first = await startWorker(clientId);
    const time = uniqueTime();
    await takeReadingTableOffline(true);
    try {
      await publish(TOPIC, reading(time, { water_level: 6.5 }));
      await vi.waitFor(() => expect(first.metrics().commitFailures).toBeGreaterThan(0), WAIT);
      await first.stop();
      const { rows } = await db.database.sql.query(
        'SELECT 1 FROM reading_offline r JOIN datastream d ON d.id = r.datastream_id WHERE d.thing_id = $1 AND r.time = $2',
        [DEVICE, time],
      );
      expect(rows).toHaveLength(0);
    } finally {
      await takeReadingTableOffline(false);
    }
    expect(first.metrics().messagesAcknowledged).toBe(0);
    // Same client id: the broker resumes the session and resends the unacknowledged message.
    const second = await startWorker(clientId);
    await expectStored('water_level', time, 6.5);
    // The PUBACK follows the commit (in the worker's next tick), so the test can see the row
    // before the worker has counted its acknowledgement.
    await vi.waitFor(() => expect(second.metrics().messagesAcknowledged).toBeGreaterThan(0), WAIT);
    await second.stop();
  });

  it('stops retrying when the blocked connection drops, and stores the redelivered message', async () => {
    // While blocked in a commit, mqtt.js does not read the PINGRESP: a 1 s keep-alive drops the
    // connection quickly, as a long database outage would with the default.
    const worker = await startWorker(uniqueId('ingest-test-keepalive'), 5, 1);
    const time = uniqueTime();
    await takeReadingTableOffline(true);
    try {
      await publish(TOPIC, reading(time, { water_level: 9.5 }));
      await vi.waitFor(() => expect(worker.metrics().mqttConnects).toBeGreaterThanOrEqual(2), WAIT);
      expect(worker.metrics().commitFailures).toBeGreaterThan(0);
    } finally {
      await takeReadingTableOffline(false);
    }
    await expectStored('water_level', time, 9.5);
    await worker.stop();
  });

  it('resubscribes when it reconnects and the broker has lost its session', async () => {
    const clientId = uniqueId('ingest-test-resub');
    const worker = await startWorker(clientId);
    // Taking over the client id with a clean start kicks the worker off and discards its session,
    // as a broker restart without persistence would.
    await clearSession(clientId);
    await vi.waitFor(
      () => expect(worker.metrics()).toMatchObject({ mqttConnects: 2, mqttConnected: true }),
      WAIT,
    );
    const time = uniqueTime();
    await publish(TOPIC, reading(time, { water_level: 8.5 }));
    await expectStored('water_level', time, 8.5);
    await worker.stop();
  });

  it('works over WebSocket (ws://) too', async () => {
    // Mosquitto 2.0.11's WebSocket listener does not start on this machine kind ("Unable to start
    // any listening sockets"), so a WebSocket server in the test carries the MQTT bytes to the
    // shared broker's TCP port, as a WebSocket proxy in front of a broker would.
    const broker = new URL(BROKER_URL);
    const bridge = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    const subprotocols: string[] = [];
    bridge.on('connection', (socket) => {
      subprotocols.push(socket.protocol);
      const stream = createWebSocketStream(socket);
      const upstream = connect(Number(broker.port), broker.hostname);
      stream.pipe(upstream).pipe(stream);
      stream.on('error', () => upstream.destroy());
      upstream.on('error', () => stream.destroy());
    });
    await new Promise((resolve) => bridge.once('listening', resolve));
    const url = `ws://127.0.0.1:${(bridge.address() as AddressInfo).port}/mqtt`;
    const clientId = uniqueId('ingest-test-ws');
    try {
      const worker = createIngestWorker({
        database: db.database,
        mqtt: { url, clientId, sessionExpirySeconds: 60 },
        logger,
      });
      workers.push({ worker, clientId });
      await worker.start();
      const time = uniqueTime();
      await publish(TOPIC, reading(time, { water_level: 4.5 }));
      await expectStored('water_level', time, 4.5);
      await vi.waitFor(() => expect(worker.metrics().messagesAcknowledged).toBeGreaterThan(0), WAIT);
      await worker.stop();
      expect(subprotocols).toEqual(['mqtt']);
    } finally {
      for (const client of bridge.clients) client.terminate();
      await new Promise((resolve) => bridge.close(resolve));
    }
  });

  it('works over MQTT 3.1.1 with a persistent session too', async () => {
    const worker = await startWorker(uniqueId('ingest-test-v4'), 4);
    const time = uniqueTime();
    await publish(TOPIC, reading(time, { water_level: 7.5 }));
    await expectStored('water_level', time, 7.5);
    await worker.stop();
  });
});

interface TappedConnection {
  /** Packet ids of the PUBLISHes the broker sent on this connection, in order. */
  published: number[];
  /** Packet ids of the PUBACKs the client sent on it, in order. */
  acknowledged: number[];
}

/**
 * A TCP proxy in front of a broker that decodes both directions, so a test sees which PUBACKs
 * went out on which connection, and can drop the connections as a network failure would.
 */
async function startTap(brokerUrl: string): Promise<{
  url: string;
  connections: TappedConnection[];
  dropAll(): void;
  close(): Promise<void>;
}> {
  const target = new URL(brokerUrl);
  const connections: TappedConnection[] = [];
  const sockets = new Set<Socket>();
  const decode = (onPacket: (packet: Packet) => void) => {
    const parser = mqttParser({ protocolVersion: 5 });
    parser.on('packet', onPacket);
    return (chunk: Buffer) => parser.parse(chunk);
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const tapped: TappedConnection = { published: [], acknowledged: [] };
    connections.push(tapped);
    const fromClient = decode((p) => {
      if (p.cmd === 'puback') tapped.acknowledged.push(p.messageId ?? -1);
    });
    const fromBroker = decode((p) => {
      if (p.cmd === 'publish' && p.qos === 1) tapped.published.push(p.messageId ?? -1);
    });
    client.on('data', (chunk: Buffer) => {
      fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      fromBroker(chunk);
      client.write(chunk);
    });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections,
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('many messages in flight per connection', () => {
  // A private broker: exact counts of deliveries and PUBACKs, with no other test run publishing on the same topics.
  let broker: { url: string; kill(): void };
  let tap: Awaited<ReturnType<typeof startTap>>;
  let privatePublisher: MqttClient;
  beforeAll(async () => {
    broker = await startPrivateBroker(
      'allow_anonymous true',
      'max_inflight_messages 512',
      'persistence false',
    );
    privatePublisher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await privatePublisher?.endAsync();
    broker?.kill();
  });
  beforeEach(async () => {
    tap = await startTap(broker.url);
  });
  afterEach(async () => {
    await tap.close();
  });

  it('hands 200 messages of one connection over at once and acknowledges them in arrival order, whatever order they commit in', async () => {
    const topic = readingsTopic(uniqueId('inflight'));
    const held: (() => void)[] = [];
    const subscriber = createMqttSubscriber(
      {
        url: tap.url,
        clientId: uniqueId('ingest-test-inflight'),
        subscriptions: [topic],
        sessionExpirySeconds: 60,
      },
      () => new Promise<void>((resolve) => held.push(resolve)),
      logger,
    );
    await subscriber.start();
    try {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => privatePublisher.publishAsync(topic, String(i), { qos: 1 })),
      );
      // All 200 are in the handler at once, none committed yet.
      await vi.waitFor(() => expect(held).toHaveLength(200), WAIT);
      // Commit all but the oldest, newest first: none may be acknowledged ahead of the oldest.
      for (const commit of held.slice(1).reverse()) commit();
      await new Promise((resolve) => setImmediate(resolve));
      expect(subscriber.counters().acknowledged).toBe(0);
      held[0]?.();
      const [connection] = tap.connections;
      await vi.waitFor(() => expect(connection?.acknowledged).toHaveLength(200), WAIT);
      expect(connection?.acknowledged).toEqual(connection?.published.slice(0, 200));
      expect(subscriber.counters()).toMatchObject({ received: 200, acknowledged: 200, connects: 1 });
    } finally {
      await subscriber.stop();
    }
  });

  it('acknowledges nothing of a dropped connection on the next one; the broker redelivers and each reading is stored once', async () => {
    const clientId = uniqueId('ingest-test-drop');
    const worker = createIngestWorker({
      database: db.database,
      mqtt: { url: tap.url, clientId, sessionExpirySeconds: 300 },
      logger,
    });
    await worker.start();
    const times = Array.from({ length: 50 }, () => uniqueTime());
    await takeReadingTableOffline(true);
    try {
      await Promise.all(
        times.map((time, i) =>
          privatePublisher.publishAsync(TOPIC, reading(time, { water_level: i }), { qos: 1 }),
        ),
      );
      await vi.waitFor(() => expect(worker.metrics().commitFailures).toBeGreaterThan(0), WAIT);
      await vi.waitFor(() => expect(worker.metrics().messagesReceived).toBe(50), WAIT);
      tap.dropAll();
      await vi.waitFor(
        () => expect(worker.metrics()).toMatchObject({ mqttConnects: 2, mqttConnected: true }),
        WAIT,
      );
    } finally {
      await takeReadingTableOffline(false);
    }
    await vi.waitFor(async () => {
      for (const [i, time] of times.entries()) expect(await storedValue('water_level', time)).toBe(i);
    }, WAIT);
    for (const time of times) expect(await readingCount(time)).toBe(1);
    expect(tap.connections[0]?.acknowledged).toEqual([]);
    expect(worker.metrics().messagesRedelivered).toBeGreaterThanOrEqual(50);
    await vi.waitFor(() => expect(tap.connections[1]?.acknowledged).toHaveLength(50), WAIT);
    // What the new connection acknowledged is exactly what it delivered, in its order.
    expect(tap.connections[1]?.acknowledged).toEqual(tap.connections[1]?.published);
    await worker.stop();
  });
});
