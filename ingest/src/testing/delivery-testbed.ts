// What the delivery tests (a worker stopped, killed or sharing a group while devices publish)
// stand on: a database with their fleet registered and a broker that queues for sessions.
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { registerFleet } from './fleet.ts';
import { freePort, type PrivateMosquitto, startQueueingMosquitto } from './servers.ts';

export interface DeliveryTestbed {
  db: TestDatabase;
  broker: PrivateMosquitto;
  /** A worker process's environment on this database and broker, with a free HTTP port. */
  workerEnv(clientId: string, extra?: Record<string, string>): Promise<Record<string, string>>;
  /** Removes the broker and the database. */
  stop(): Promise<void>;
}

/**
 * A fresh test database with `devices` registered (registerFleet), and a private Mosquitto with
 * the production queue limits (startQueueingMosquitto).
 */
export async function startDeliveryTestbed(devices: readonly string[]): Promise<DeliveryTestbed> {
  const db = await createTestDatabase();
  let broker: PrivateMosquitto;
  try {
    await registerFleet(db.database, devices);
    broker = await startQueueingMosquitto();
  } catch (error) {
    await db.drop();
    throw error;
  }
  return {
    db,
    broker,
    workerEnv: async (clientId, extra = {}) => ({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      INGEST_CLIENT_ID: clientId,
      ...extra,
      INGEST_HTTP_PORT: String(await freePort()),
    }),
    async stop() {
      try {
        await broker.destroy();
      } finally {
        await db.drop();
      }
    },
  };
}
