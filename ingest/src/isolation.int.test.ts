// Issue 3's isolation test against Mosquitto: a private broker configured with exactly the
// password file and ACL the device CLI generates (devices-cli.ts), the ingest worker logged in as
// its own user. A device must not be able to publish under another device's id (and ingest must
// receive nothing forged), nor read another device's messages, whatever its subscription.
// The embedded broker's rules are tested in hub/src/broker.test.ts.
import { readingsTopic, statusTopic } from '@bisa/contract/topics.ts';
import { createTestDatabase, storedValues, type TestDatabase } from '@bisa/db/testing.ts';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDevicesCli } from './devices-cli.ts';
import { createIngestWorker, type IngestWorker } from './ingest-worker.ts';
import { type PrivateMosquitto, startPrivateMosquitto } from './testing/servers.ts';

const A = 'isolation-device-a';
const B = 'isolation-device-b';
const INGEST_USER = 'bisa_ingest';
const INGEST_PASSWORD = 'isolation-ingest-password';
const WAIT = { timeout: 15_000, interval: 50 };

let db: TestDatabase;
let broker: PrivateMosquitto;
let worker: IngestWorker;
const secrets = new Map<string, string>();
const clients: MqttClient[] = [];

/** Runs the device CLI as an operator would; returns what it printed. */
async function cli(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runDevicesCli(argv, db.database, {
    out: (line) => lines.push(line),
    readStdin: async () => `${INGEST_PASSWORD}\n`,
  });
  return lines;
}

async function device(id: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, {
    username: id,
    password: secrets.get(id) ?? '',
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  clients.push(client);
  return client;
}

const reading = (value: number) =>
  JSON.stringify({
    time: new Date(Date.now() - 60_000 - value).toISOString(),
    values: { water_level: value },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  const passwd: string[] = [];
  for (const id of [A, B]) {
    const printed = await cli(
      'add',
      id,
      '--name',
      id,
      '--programme',
      'flood-early-warning',
      '--location',
      'masamba-bridge',
      '--datastream',
      'water_level:water_level:m',
    );
    // The secret follows the heading; the password-file line follows its own heading.
    secrets.set(id, printed[1]?.trim() ?? '');
    passwd.push(printed[3]?.trim() ?? '');
  }
  passwd.push(...(await cli('mosquitto-passwd', INGEST_USER)));
  broker = await startPrivateMosquitto({
    files: { passwd: `${passwd.join('\n')}\n`, acl: `${(await cli('mosquitto-acl')).join('\n')}\n` },
    // As infra/mosquitto/mosquitto.conf: no anonymous clients, client id = user name.
    settings: [
      'use_username_as_clientid true',
      'allow_anonymous false',
      'password_file {dir}/passwd',
      'acl_file {dir}/acl',
    ],
  });
  worker = createIngestWorker({
    database: db.database,
    mqtt: { url: broker.url, clientId: INGEST_USER, username: INGEST_USER, password: INGEST_PASSWORD },
    logger: pino({ level: 'silent' }),
  });
  await worker.start();
});

afterAll(async () => {
  for (const client of clients) await client.endAsync(true);
  await worker?.stop();
  await broker?.destroy();
  await db?.drop();
});

describe('device isolation on Mosquitto with the generated password file and ACL', () => {
  it("refuses a device publishing under another device's id, and ingest receives nothing forged", async () => {
    const a = await device(A);
    const b = await device(B);
    const outcomes: string[] = [];
    for (const [topic, payload] of [
      [readingsTopic(B), reading(666)],
      [statusTopic(B), 'offline'],
    ] as const) {
      // MQTT 5: Mosquitto answers PUBACK "not authorized" and drops the message.
      outcomes.push(
        await a.publishAsync(topic, payload, { qos: 1 }).then(
          () => `${topic}: acknowledged`,
          (error: Error) => `${topic}: ${error.message}`,
        ),
      );
    }
    console.log(`isolation (Mosquitto): forged publishes by ${A}: ${outcomes.join('; ')}`);
    // Sent after the forged ones were answered: had they been routed, ingest would have them first.
    await b.publishAsync(readingsTopic(B), reading(1), { qos: 1 });
    await vi.waitFor(async () => expect(await storedValues(db.database.sql, B)).toEqual([1]), WAIT);
    expect(worker.metrics().messagesReceived).toBe(1);
    const { rows } = await db.database.sql.query<{ connection: string | null }>(
      'SELECT connection FROM thing WHERE id = $1',
      [B],
    );
    expect(rows[0]?.connection).toBeNull();
    const letters = await db.database.sql.query('SELECT 1 FROM dead_letter');
    expect(letters.rows).toHaveLength(0);
  });

  it("delivers none of another device's messages to a device, whatever it subscribes to", async () => {
    const a = await device(A);
    const b = await device(B);
    const received: string[] = [];
    a.on('message', (topic) => received.push(topic));
    const filters = ['bisa/v1/#', 'bisa/v1/+/readings', readingsTopic(B), '#', `bisa/v1/${A}/#`];
    const granted = await a.subscribeAsync(filters, { qos: 1 });
    console.log(
      `isolation (Mosquitto): subscriptions of ${A}: ${granted.map((g) => `${g.topic} -> ${g.qos}`).join(', ')}`,
    );
    // Its own topics it may read (the ACL's `pattern read bisa/v1/%u/#`).
    expect(granted.at(-1)?.qos).toBe(1);
    await b.publishAsync(readingsTopic(B), reading(2), { qos: 1 });
    await b.publishAsync(statusTopic(B), 'online', { qos: 1, retain: true });
    // A's own message comes after B's through the same broker: once A has it, B's would have arrived.
    const own = new Promise<void>((resolve) => {
      a.on('message', (topic) => {
        if (topic === readingsTopic(A)) resolve();
      });
    });
    await a.publishAsync(readingsTopic(A), reading(3), { qos: 1 });
    await own;
    expect(new Set(received)).toEqual(new Set([readingsTopic(A)]));
    // Ingest, which may read every device, did get B's reading.
    await vi.waitFor(async () => expect(await storedValues(db.database.sql, B)).toContain(2), WAIT);
  });
});

// Last: it changes A's secret and disables B. Mosquitto reads the password file only at start and
// on SIGHUP; docs/mqtt.md says what an operator must do, and this checks that it is enough.
describe('a rotated or disabled device on Mosquitto', () => {
  const closed = (client: MqttClient) =>
    new Promise<void>((resolve) => client.once('close', () => resolve()));
  const passwdFile = () => `${broker.dir}/passwd`;

  it('keeps its open connection until Mosquitto reloads the password file, and loses it then', async () => {
    const a = await device(A);
    const b = await device(B);
    const oldSecret = secrets.get(A) ?? '';
    const printed = await cli('rotate', A, '--passwd-file', passwdFile());
    const newSecret = printed[1]?.trim() ?? '';
    expect(newSecret).not.toBe(oldSecret);

    // Not reloaded yet: the old connection still publishes, and its reading is stored.
    await a.publishAsync(readingsTopic(A), reading(10), { qos: 1 });
    await vi.waitFor(async () => expect(await storedValues(db.database.sql, A)).toContain(10), WAIT);

    const aClosed = closed(a);
    await broker.reload();
    await aClosed;
    // One pass over the clients closed A; B, whose line did not change, is still connected.
    expect(b.connected).toBe(true);
    await expect(
      mqtt.connectAsync(broker.url, {
        username: A,
        password: oldSecret,
        protocolVersion: 5,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    secrets.set(A, newSecret);
    const renewed = await device(A);
    await renewed.publishAsync(readingsTopic(A), reading(11), { qos: 1 });
    await vi.waitFor(async () => expect(await storedValues(db.database.sql, A)).toContain(11), WAIT);

    const bClosed = closed(b);
    await cli('disable', B, '--passwd-file', passwdFile());
    await broker.reload();
    await bClosed;
    expect(renewed.connected).toBe(true);
    await expect(device(B)).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
  });
});
