// Issue 3, scale-out: two worker processes share the readings through one MQTT 5 shared
// subscription on Mosquitto. One of them is killed with SIGKILL while messages are in flight.
// What the test establishes (and docs/mqtt.md states): nothing is lost, and the messages the
// broker had given the dead worker's persistent session wait there until a worker with that
// client id connects again; the surviving member does not get them.
import type { TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DeliveryTestbed, startDeliveryTestbed } from './testing/delivery-testbed.ts';
import { connectFleet, numberedReadings, storedReadingCount } from './testing/fleet.ts';
import { auditDatabase, Ledger, perfectAudit } from './testing/ledger.ts';
import { INGEST_MAIN, type LogLine, spawnWorker, type WorkerProcess } from './testing/worker-process.ts';

const DEVICES = Array.from({ length: 4 }, (_, i) => `shared-group-device-${i}`);
const MESSAGES = 4_000;
const WAIT = { timeout: 60_000, interval: 50 };

let testbed: DeliveryTestbed;
let db: TestDatabase;

beforeAll(async () => {
  testbed = await startDeliveryTestbed(DEVICES);
  ({ db } = testbed);
});

afterAll(() => testbed?.stop());

const committing = (line: LogLine) => line.msg === 'connected and subscribed';

describe('two ingest workers in one shared-subscription group', () => {
  it('lose nothing when one is killed: its in-flight messages wait for its session to return', async () => {
    const ledger = new Ledger();
    const publications = numberedReadings(DEVICES, MESSAGES, ledger);
    const workerEnv = (clientId: string) =>
      testbed.workerEnv(clientId, { INGEST_SHARE_GROUP: 'bisa-ingest-test', INGEST_ALERTS: 'false' });
    const survivorEnv = await workerEnv('shared-ingest-a');
    const victimEnv = await workerEnv('shared-ingest-b');
    const fleet = await connectFleet({ url: testbed.broker.url, names: DEVICES });
    const survivor = spawnWorker(INGEST_MAIN, survivorEnv);
    let victim: WorkerProcess = spawnWorker(INGEST_MAIN, victimEnv);
    try {
      await Promise.all([survivor.waitForLog(committing), victim.waitForLog(committing)]);
      await Promise.all([survivor.ready(), victim.ready()]);

      // Killed once a quarter of the messages are acknowledged to the devices, i.e. mid-stream.
      let killed: Promise<unknown> | undefined;
      let killedAt = 0;
      await fleet.publish(publications, (acknowledged) => {
        if (acknowledged === MESSAGES / 4 && !killed) {
          killedAt = performance.now();
          killed = victim.kill('SIGKILL');
        }
      });
      await killed;
      expect(killedAt).toBeGreaterThan(0);

      // Everything the survivor can get, it stores; then the count stays put while the victim is away.
      let previous = -1;
      await vi.waitFor(async () => {
        const now = await storedReadingCount(db.database.sql, DEVICES);
        const settled = now === previous;
        previous = now;
        expect(settled).toBe(true);
      }, WAIT);
      const storedWithoutVictim = await storedReadingCount(db.database.sql, DEVICES);
      const waiting = MESSAGES - storedWithoutVictim;

      const restartedAt = performance.now();
      victim = spawnWorker(INGEST_MAIN, victimEnv);
      const resumed = await victim.waitForLog(committing);
      await vi.waitFor(
        async () => expect(await storedReadingCount(db.database.sql, DEVICES)).toBe(MESSAGES),
        WAIT,
      );
      console.log(
        `shared group: victim SIGKILLed after ${MESSAGES / 4} acknowledgements; survivor stored ${storedWithoutVictim} of ${MESSAGES}; ${waiting} waited in the victim's session until it came back (sessionPresent=${String(resumed.sessionPresent)}), all stored ${Math.round(performance.now() - restartedAt)} ms after its restart`,
      );
      // The broker kept the dead member's session and what it had been given.
      expect(resumed).toMatchObject({ sessionPresent: true });
      expect(waiting).toBeGreaterThan(0);
      expect(await auditDatabase(db.database.sql, ledger, { devices: DEVICES })).toMatchObject(
        perfectAudit(ledger),
      );
    } finally {
      await Promise.all([survivor.kill('SIGKILL'), victim.kill('SIGKILL')]);
      await fleet.end();
    }
  }, 180_000);
});
