// Issue 3's chaos test: 10,000 QoS 1 messages from 10 devices, every third sent twice, 5 %
// malformed, while a private PostgreSQL is crashed twice, the worker process is killed with
// SIGKILL once and a private Mosquitto (persistence as in production) is restarted once.
// Afterwards the database must hold every valid reading exactly once and one dead letter per
// malformed message. The same scenario run with a worker that acknowledges on receipt must
// fail that check: it shows the check can see a loss.
import { readingsTopic } from '@bisa/contract/topics.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectFleet,
  FLEET_METRIC,
  type Publication,
  registerFleet,
  storedReadingCount,
} from './testing/fleet.ts';
import { type Audit, auditDatabase, Ledger, perfectAudit } from './testing/ledger.ts';
import {
  freePort,
  infraMosquittoSettings,
  type PrivatePostgres,
  startPrivateMosquitto,
  startPrivatePostgres,
} from './testing/servers.ts';
import { INGEST_MAIN, type LogLine, NAIVE_WORKER, spawnWorker } from './testing/worker-process.ts';

const MESSAGES = 10_000;
const DEVICES = Array.from({ length: 10 }, (_, i) => `chaos-device-${i}`);
// Long enough for a crashed PostgreSQL's recovery and a backlog of ~13,000 messages at one commit each.
const CATCH_UP = { timeout: 120_000, interval: 50 };

interface Workload {
  ledger: Ledger;
  /** In publishing order: every third message appears again nine places later. */
  publications: Publication[];
  /** One last valid reading per device, published after everything else was acknowledged. */
  sentinels: Publication[];
  sentinelTimes: Date[];
  malformedResent: number;
}

/** Message i: device i mod 10; every 20th is malformed (5 %), in one of four ways the contract names. */
function buildWorkload(): Workload {
  const ledger = new Ledger();
  const base = Date.now() - 3 * 3600_000;
  const messages: { publication: Publication; malformed: boolean }[] = [];
  for (let i = 0; i < MESSAGES; i += 1) {
    const device = DEVICES[i % DEVICES.length] as string;
    const topic = readingsTopic(device);
    const time = new Date(base + i * 100);
    let payload: string;
    const malformed = i % 20 === 19;
    if (!malformed) {
      payload = JSON.stringify({ time: time.toISOString(), values: { [FLEET_METRIC]: i + 0.25 } });
      ledger.addReading(device, FLEET_METRIC, time, i + 0.25);
    } else {
      const kind = Math.floor(i / 20) % 4;
      if (kind === 0) {
        payload = `{"time":"${time.toISOString()}","values":{"${FLEET_METRIC}":${i}`;
        ledger.addMalformed(topic, payload, 'invalid_json');
      } else if (kind === 1) {
        payload = JSON.stringify({ time: time.toISOString(), values: { [FLEET_METRIC]: String(i) } });
        ledger.addMalformed(topic, payload, 'invalid_value');
      } else if (kind === 2) {
        payload = JSON.stringify({ time: time.toISOString(), values: { rainfall: i } });
        ledger.addMalformed(topic, payload, 'unknown_metric');
      } else {
        const old = new Date(Date.UTC(2001, 0, 1) + i * 1000);
        payload = JSON.stringify({ time: old.toISOString(), values: { [FLEET_METRIC]: i } });
        ledger.addMalformed(topic, payload, 'time_outside_window');
      }
    }
    messages.push({ publication: { device, topic, payload }, malformed });
  }
  const publications: Publication[] = [];
  let malformedResent = 0;
  for (let i = 0; i < MESSAGES + 9; i += 1) {
    const message = messages[i];
    if (message) publications.push(message.publication);
    const again = messages[i - 9];
    if (again && (i - 9) % 3 === 0) {
      publications.push(again.publication);
      if (again.malformed) malformedResent += 1;
    }
  }
  const sentinelTimes = DEVICES.map((_, d) => new Date(base + (MESSAGES + d) * 100));
  const sentinels = DEVICES.map((device, d) => {
    const time = sentinelTimes[d] as Date;
    ledger.addReading(device, FLEET_METRIC, time, -1 - d);
    return {
      device,
      topic: readingsTopic(device),
      payload: JSON.stringify({ time: time.toISOString(), values: { [FLEET_METRIC]: -1 - d } }),
    };
  });
  return { ledger, publications, sentinels, sentinelTimes, malformedResent };
}

const isCommitFailure = (line: LogLine) =>
  typeof line.msg === 'string' && line.msg.startsWith('commit failed');

async function sentinelsStored(db: TestDatabase, times: readonly Date[]): Promise<number> {
  const { rows } = await db.database.sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM reading r JOIN datastream d ON d.id = r.datastream_id
     WHERE d.thing_id = ANY($1::text[]) AND r.time = ANY($2::timestamptz[])`,
    [DEVICES, times],
  );
  return Number(rows[0]?.n);
}

interface ChaosResult {
  audit: Audit;
  workload: Workload;
  /** Milliseconds from the SIGKILL until the restarted worker stored a reading again. */
  killToStoring: number;
  killToReady: number;
  /** From the restarted worker's /metrics (the real worker only). */
  redelivered: number | undefined;
  seconds: number;
}

/**
 * The scenario, with `script` as the worker. The fleet publishes in segments and each fault is
 * triggered by the fleet's acknowledged count or the worker's log, never by a timer, so messages
 * are on their way during every fault:
 *   segment 1 | PostgreSQL crash | segment 2 | worker logs a failed commit | PostgreSQL back |
 *   segment 3 | SIGKILL | segment 4 (worker down) | worker restarted | segment 5 | PostgreSQL crash |
 *   segment 6 | failed commit logged | PostgreSQL back | segment 7, broker restarted after a third |
 *   sentinels | wait until they are stored | audit.
 */
async function runChaos(pg: PrivatePostgres, script: string): Promise<ChaosResult> {
  const started = performance.now();
  const workload = buildWorkload();
  const db = await createTestDatabase({ adminUrl: pg.adminUrl });
  const broker = await startPrivateMosquitto({
    settings: [
      // No passwords here: what is tested is delivery; isolation.int.test.ts tests the access rules.
      'allow_anonymous true',
      'persistence true',
      'persistence_location {dir}/',
      'autosave_interval 1',
      ...(await infraMosquittoSettings([
        'max_queued_messages',
        'max_queued_bytes',
        'max_inflight_messages',
        'persistent_client_expiration',
      ])),
    ],
  });
  const env = {
    DATABASE_URL: db.url,
    MQTT_URL: broker.url,
    INGEST_CLIENT_ID: 'chaos-ingest',
    INGEST_HTTP_PORT: String(await freePort()),
  };
  let worker = spawnWorker(script, env);
  const fleet = await connectFleet({ url: broker.url, names: DEVICES });
  try {
    await registerFleet(db.database, DEVICES);
    await worker.ready();
    const { publications } = workload;
    const cut = (from: number, to: number) =>
      publications.slice(Math.floor(publications.length * from), Math.floor(publications.length * to));

    const outage = async (during: Publication[]) => {
      const mark = worker.logs().length;
      await pg.crash();
      await fleet.publish(during);
      await worker.waitForLog(isCommitFailure, mark);
      await pg.start();
    };

    await fleet.publish(cut(0, 0.15));
    await outage(cut(0.15, 0.3));
    await fleet.publish(cut(0.3, 0.45));

    const killedAt = performance.now();
    const storedBefore = await storedReadingCount(db.database.sql, DEVICES);
    await worker.kill('SIGKILL');
    await fleet.publish(cut(0.45, 0.6));
    worker = spawnWorker(script, env);
    await worker.ready();
    const killToReady = performance.now() - killedAt;
    await vi.waitFor(
      async () => expect(await storedReadingCount(db.database.sql, DEVICES)).toBeGreaterThan(storedBefore),
      CATCH_UP,
    );
    const killToStoring = performance.now() - killedAt;

    await fleet.publish(cut(0.6, 0.75));
    await outage(cut(0.75, 0.85));

    const last = cut(0.85, 1);
    let restartBroker: () => void = () => {};
    const third = new Promise<void>((resolve) => {
      restartBroker = resolve;
    });
    const publishing = fleet.publish(last, (n) => {
      if (n === Math.floor(last.length / 3)) restartBroker();
    });
    await third;
    await broker.stop();
    await broker.start();
    await publishing;

    await fleet.publish(workload.sentinels);
    await vi.waitFor(
      async () => expect(await sentinelsStored(db, workload.sentinelTimes)).toBe(DEVICES.length),
      CATCH_UP,
    );
    const audit = await auditDatabase(db.database.sql, workload.ledger, { devices: DEVICES });
    let redelivered: number | undefined;
    if (script === INGEST_MAIN) {
      const metrics = await (await fetch(`http://127.0.0.1:${env.INGEST_HTTP_PORT}/metrics`)).text();
      redelivered = Number(/^bisa_ingest_messages_redelivered_total (\d+)$/m.exec(metrics)?.[1]);
    }
    return {
      audit,
      workload,
      killToReady,
      killToStoring,
      redelivered,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    // SIGKILL: a worker stuck after a failed assertion might never finish a graceful stop.
    await worker.kill('SIGKILL');
    await fleet.end();
    await broker.destroy();
    // A failure during an outage leaves PostgreSQL down; the database must still be dropped.
    if (!pg.running) await pg.start();
    await db.drop();
  }
}

let pg: PrivatePostgres;

beforeAll(async () => {
  pg = await startPrivatePostgres();
});

afterAll(async () => {
  await pg?.destroy();
});

describe('ingest under chaos (private PostgreSQL and Mosquitto, worker as a process)', () => {
  it('stores every valid reading exactly once and dead-letters every malformed message', async () => {
    const result = await runChaos(pg, INGEST_MAIN);
    const { audit, workload } = result;
    console.log(
      `chaos, real worker: ${workload.publications.length + workload.sentinels.length} publications in ${result.seconds.toFixed(1)} s; ` +
        `after SIGKILL ready in ${Math.round(result.killToReady)} ms, storing again after ${Math.round(result.killToStoring)} ms; ` +
        `${result.redelivered} redelivered to the restarted worker; ${audit.deadLetterRepeats} dead-letter repeats ` +
        `(${workload.malformedResent} malformed messages were sent twice)`,
    );
    expect(audit).toMatchObject(perfectAudit(workload.ledger));
    // 10,000 messages, 500 malformed, plus one sentinel reading per device.
    expect(audit.readingsExpected).toBe(MESSAGES - MESSAGES / 20 + DEVICES.length);
    expect(audit.deadLettersExpected).toBe(MESSAGES / 20);
    // Every arrival of a malformed message leaves a dead letter, the second sending too.
    expect(audit.deadLetterRepeats).toBeGreaterThanOrEqual(workload.malformedResent);
  }, 300_000);

  it('negative control: a worker that acknowledges on receipt loses readings in the same scenario', async () => {
    const { audit, workload, seconds } = await runChaos(pg, NAIVE_WORKER);
    console.log(
      `chaos, naive worker (acknowledges on receipt): lost ${audit.readingsLost} of ${audit.readingsExpected} readings ` +
        `and ${audit.deadLettersMissing} of ${audit.deadLettersExpected} dead letters in ${seconds.toFixed(1)} s`,
    );
    expect(audit).not.toMatchObject(perfectAudit(workload.ledger));
    expect(audit.readingsLost).toBeGreaterThan(0);
  }, 300_000);
});
