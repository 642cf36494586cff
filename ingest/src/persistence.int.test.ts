// Issue 3's persistence test: the worker is stopped gracefully while devices keep publishing,
// then started again with the same client id. The broker must have kept its session and queued
// everything published meanwhile, and the restarted worker must commit all of it.
import type { TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DeliveryTestbed, startDeliveryTestbed } from './testing/delivery-testbed.ts';
import { connectFleet, numberedReadings, storedReadingCount } from './testing/fleet.ts';
import { auditDatabase, Ledger, perfectAudit } from './testing/ledger.ts';
import { INGEST_MAIN, type LogLine, spawnWorker } from './testing/worker-process.ts';

const DEVICES = Array.from({ length: 5 }, (_, i) => `persistence-device-${i}`);
// 2,000 of them are published while the worker is down: twice Mosquitto's default queue limit
// (max_queued_messages 1000), which would drop the rest silently.
const MESSAGES = 3_000;
const WHILE_DOWN = 2_000;
const WAIT = { timeout: 60_000, interval: 50 };

let testbed: DeliveryTestbed;
let db: TestDatabase;

beforeAll(async () => {
  testbed = await startDeliveryTestbed(DEVICES);
  ({ db } = testbed);
});

afterAll(() => testbed?.stop());

const connected = (line: LogLine) => line.msg === 'connected and subscribed';

describe('ingest worker stopped and restarted while devices publish', () => {
  it('resumes its broker session and commits everything queued while it was down', async () => {
    const ledger = new Ledger();
    const publications = numberedReadings(DEVICES, MESSAGES, ledger);
    const before = publications.slice(0, (MESSAGES - WHILE_DOWN) / 2);
    const down = publications.slice(before.length, before.length + WHILE_DOWN);
    const after = publications.slice(before.length + WHILE_DOWN);
    const env = await testbed.workerEnv('persistence-ingest');
    const fleet = await connectFleet({ url: testbed.broker.url, names: DEVICES });
    let worker = spawnWorker(INGEST_MAIN, env);
    try {
      expect(await worker.waitForLog(connected)).toMatchObject({ sessionPresent: false });
      await worker.ready();
      await fleet.publish(before);
      await vi.waitFor(
        async () => expect(await storedReadingCount(db.database.sql, DEVICES)).toBeGreaterThan(0),
        WAIT,
      );

      expect(await worker.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      const storedAtStop = await storedReadingCount(db.database.sql, DEVICES);
      // Acknowledged by the broker while no ingest is connected: only its session holds them.
      await fleet.publish(down);
      expect(await storedReadingCount(db.database.sql, DEVICES)).toBe(storedAtStop);

      worker = spawnWorker(INGEST_MAIN, env);
      const resumed = await worker.waitForLog(connected);
      console.log(
        `persistence: stopped after ${storedAtStop} of ${MESSAGES} readings; ${WHILE_DOWN} published while down; restarted with sessionPresent=${String(resumed.sessionPresent)}`,
      );
      expect(resumed).toMatchObject({ sessionPresent: true });
      await worker.ready();
      await fleet.publish(after);
      await vi.waitFor(
        async () => expect(await storedReadingCount(db.database.sql, DEVICES)).toBe(MESSAGES),
        WAIT,
      );
      expect(await auditDatabase(db.database.sql, ledger, { devices: DEVICES })).toMatchObject(
        perfectAudit(ledger),
      );
    } finally {
      await worker.kill('SIGKILL');
      await fleet.end();
    }
  }, 120_000);
});
