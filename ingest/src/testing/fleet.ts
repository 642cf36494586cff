// Test helper: publishing devices that never lose a message on their side, so that whatever a
// test finds missing was lost between the broker and the database.
import { randomBytes } from 'node:crypto';
import { readingsTopic } from '@bisa/contract/topics.ts';
import type { Database } from '@bisa/db/database.ts';
import { hashSecret } from '@bisa/db/secret-hash.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { insertDevice } from '../repositories/devices.ts';
import type { Ledger } from './ledger.ts';

/** The one datastream every fleet device has. */
export const FLEET_METRIC = 'water_level';

/**
 * Registers `names` as devices of the sample flood programme with one `water_level` datastream,
 * so ingest stores what they send. Their credential is random: these tests' brokers do not check it.
 */
export async function registerFleet(database: Database, names: readonly string[]): Promise<void> {
  const credentialHash = await hashSecret(randomBytes(18).toString('base64url'));
  await database.sql.transaction(async (tx) => {
    for (const id of names) {
      await insertDevice(tx, {
        id,
        name: `test device ${id}`,
        programmeId: 'flood-early-warning',
        locationId: 'masamba-bridge',
        credentialHash,
        datastreams: [{ key: FLEET_METRIC, observedPropertyId: 'water_level', unit: 'm' }],
      });
    }
  });
}

/** How many readings of `devices` the database holds. */
export async function storedReadingCount(sql: SqlQueryable, devices: readonly string[]): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM reading r JOIN datastream d ON d.id = r.datastream_id
     WHERE d.thing_id = ANY($1::text[])`,
    [devices],
  );
  return Number(rows[0]?.n);
}

/**
 * `count` one-reading messages, the devices taking turns, 100 ms apart from an hour ago; message
 * i carries the value i. Each is entered in `ledger`.
 */
export function numberedReadings(devices: readonly string[], count: number, ledger: Ledger): Publication[] {
  const base = Date.now() - 3600_000;
  return Array.from({ length: count }, (_, i) => {
    const device = devices[i % devices.length] as string;
    const time = new Date(base + i * 100);
    ledger.addReading(device, FLEET_METRIC, time, i);
    return {
      device,
      topic: readingsTopic(device),
      payload: JSON.stringify({ time: time.toISOString(), values: { [FLEET_METRIC]: i } }),
    };
  });
}

/** What one device publishes: QoS 1 on `topic`. */
export interface Publication {
  device: string;
  topic: string;
  payload: string | Buffer;
}

export interface FleetOptions {
  url: string;
  /** One MQTT client per name; the client id is the name plus a random suffix unless `exactClientIds`. */
  names: readonly string[];
  /** Per client: user name and password (e.g. a device id and its secret). */
  credentials?: (name: string) => { username: string; password: string };
  /** Publications in flight per client (default 10). */
  inFlight?: number;
}

export interface Fleet {
  /**
   * Publishes every publication at QoS 1, each client's own in order with up to `inFlight`
   * awaiting their PUBACK, and resolves once the broker has acknowledged all of them. `onAck` is
   * called with the running count of acknowledged publications.
   */
  publish(publications: readonly Publication[], onAck?: (acknowledged: number) => void): Promise<void>;
  end(): Promise<void>;
}

/**
 * Clients with persistent sessions (MQTT 5, clean start off) that reconnect every 100 ms. mqtt.js
 * keeps each unacknowledged QoS 1 publication and sends it again after reconnecting, so a broker
 * restart delays publications but loses none the broker did not acknowledge (it may duplicate some).
 */
export async function connectFleet(options: FleetOptions): Promise<Fleet> {
  const suffix = randomBytes(3).toString('hex');
  const clients = new Map<string, MqttClient>();
  await Promise.all(
    options.names.map(async (name) => {
      const client = await mqtt.connectAsync(options.url, {
        clientId: `${name}-${suffix}`,
        clean: false,
        protocolVersion: 5,
        properties: { sessionExpiryInterval: 600 },
        reconnectPeriod: 100,
        connectTimeout: 5000,
        ...(options.credentials?.(name) ?? {}),
      });
      // Connection errors while the broker restarts are expected; mqtt.js reconnects by itself.
      client.on('error', () => {});
      clients.set(name, client);
    }),
  );
  const window = options.inFlight ?? 10;
  return {
    async publish(publications, onAck) {
      const queues = new Map<string, Publication[]>();
      for (const p of publications) {
        const queue = queues.get(p.device) ?? [];
        queue.push(p);
        queues.set(p.device, queue);
      }
      let acknowledged = 0;
      await Promise.all(
        [...queues].map(async ([device, queue]) => {
          const client = clients.get(device);
          if (!client) throw new Error(`no client for ${device}`);
          let next = 0;
          const lane = async () => {
            while (next < queue.length) {
              const p = queue[next++] as Publication;
              await client.publishAsync(p.topic, p.payload, { qos: 1 });
              acknowledged += 1;
              onAck?.(acknowledged);
            }
          };
          await Promise.all(Array.from({ length: window }, lane));
        }),
      );
    },
    async end() {
      await Promise.all([...clients.values()].map((c) => c.endAsync()));
    },
  };
}
