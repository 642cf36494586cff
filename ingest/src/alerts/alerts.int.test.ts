import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  acknowledgeAlert,
  createAlertRule,
  createWebhook,
  insertAlert,
  listAlertEvents,
  listAlerts,
  listNotifications,
} from '@bisa/db/alerts.ts';
import { createTestDatabase, datastreamIdOf, type TestDatabase } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReadings, type ReadingRow, upsertLatestReadings } from '../repositories/readings.ts';
import { spawnWorker } from '../testing/worker-process.ts';
import { createAlertEvaluator } from './evaluator.ts';
import { type LevelState, NORMAL_STATE, parseLevels, stepLevel } from './rule-logic.ts';
import { backoffMs, createWebhookSender, signBody } from './webhook-sender.ts';

// Alerting against the real PostgreSQL: readings are stored as ingest stores them (same
// repository functions, one transaction each), the evaluator and the webhook sender run with an
// injected clock, so nothing here sleeps for a timer.

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2026-07-13T08:00:00Z');
let db: TestDatabase;

function datastream(thingId: string, key: string): Promise<number> {
  return datastreamIdOf(db.database.sql, thingId, key);
}

/** Commits readings as ingest does: inserted and the latest moved forward in one transaction. */
async function store(rows: readonly ReadingRow[]): Promise<void> {
  await db.database.sql.transaction(async (tx) => {
    const fresh = await insertReadings(tx, rows);
    await upsertLatestReadings(tx, fresh);
  });
}

function series(datastreamId: number, values: readonly number[], stepMs: number, start = T0): ReadingRow[] {
  return values.map((value, i) => ({ datastreamId, time: new Date(start + i * stepMs), value }));
}

async function alertsOfRule(ruleId: string) {
  return (await listAlerts(db.database.sql, { limit: 10_000 })).filter((a) => a.ruleId === ruleId);
}

async function eventsOfRule(ruleId: string) {
  const alerts = new Set((await alertsOfRule(ruleId)).map((a) => a.id));
  return (await listAlertEvents(db.database.sql)).filter((e) => alerts.has(e.alertId));
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The sample rules watch the river gauges; these tests use other datastreams and their own rules.
  await db.database.sql.query('UPDATE alert_rule SET enabled = false WHERE is_sample');
});

afterAll(async () => {
  await db?.drop();
});

describe('alert evaluator', () => {
  it('a value flapping around a threshold inside the pending period yields one alert and one notification', async () => {
    const ds = await datastream('masamba-market-aq-01', 'pm25');
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'PM2.5 test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels: [{ level: 'WASPADA', raise: 55, clear: 45 }],
      pendingSeconds: 60,
    });
    const webhookId = await createWebhook(db.database.sql, {
      name: 'flap receiver',
      url: 'http://127.0.0.1:9/unused',
      secret: 'flap-test-secret-0123456789',
      levels: ['WASPADA'],
    });
    // Ten minutes of a reading every 5 s alternating 56 / 54, committed in several transactions.
    const values = Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? 56 : 54));
    const rows = series(ds, values, 5_000);
    for (let i = 0; i < rows.length; i += 7) await store(rows.slice(i, i + 7));
    const evaluator = createAlertEvaluator({ database: db.database, logger, clock: () => T0 + 3_600_000 });
    expect(await evaluator.evaluateReadings()).toBe(120);

    const alerts = await alertsOfRule(ruleId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.state).toBe('OPEN');
    // Raised once the condition held for the pending period: the 13th reading, 60 s after the first.
    expect(alerts[0]?.openedAt.toISOString()).toBe(new Date(T0 + 60_000).toISOString());
    const events = await eventsOfRule(ruleId);
    expect(events.map((e) => e.type)).toEqual(['opened']);
    const notifications = (await listNotifications(db.database.sql)).filter((n) => n.webhookId === webhookId);
    expect(notifications).toHaveLength(1);
    await db.database.sql.query('UPDATE webhook SET enabled = false WHERE id = $1', [webhookId]);
  });

  it('1,000 concurrent readings crossing a threshold, evaluated by three evaluators at once, open exactly one alert', async () => {
    const ds = await datastream('masamba-market-aq-01', 'noise_level');
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'Noise test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels: [{ level: 'WASPADA', raise: 85, clear: 80 }],
    });
    const rows = series(
      ds,
      Array.from({ length: 1000 }, () => 90),
      1_000,
    );
    const evaluators = [1, 2, 3].map(() =>
      createAlertEvaluator({ database: db.database, logger, clock: () => T0, batchSize: 50 }),
    );
    let storing = true;
    const stored = Promise.all(rows.map((row) => store([row]))).finally(() => {
      storing = false;
    });
    const evaluating = evaluators.map(async (e) => {
      while (storing) await e.evaluateReadings();
    });
    await Promise.all([stored, ...evaluating]);
    for (const e of evaluators) await e.evaluateReadings();

    const alerts = await alertsOfRule(ruleId);
    expect(alerts).toHaveLength(1);
    expect((await eventsOfRule(ruleId)).map((e) => e.type)).toEqual(['opened']);
  });

  it('the database refuses a second open alert for the same rule and datastream', async () => {
    const ds = await datastream('masamba-park-wifi-01', 'wifi_users');
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'Unique test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels: [{ level: 'WASPADA', raise: 100, clear: 90 }],
      enabled: false,
    });
    const now = new Date(T0);
    const ids = await Promise.all(
      Array.from({ length: 20 }, () =>
        db.database.sql.transaction((tx) =>
          insertAlert(tx, { ruleId, datastreamId: ds, level: 'WASPADA', value: 120, openedAt: now, now }),
        ),
      ),
    );
    expect(ids.filter((id) => id !== undefined)).toHaveLength(1);
    await expect(
      db.database.sql.query(
        `INSERT INTO alert (rule_id, datastream_id, level, peak_level, value, opened_at, last_notified_at)
         VALUES ($1, $2, 'WASPADA', 'WASPADA', 1, now(), now())`,
        [ruleId, ds],
      ),
    ).rejects.toThrow(/alert_one_open_per_rule_datastream/);
  });

  it('does not pass a reading whose transaction is still running, and evaluates it once it commits', async () => {
    const ds = await datastream('masamba-park-wifi-01', 'uptime');
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'Uptime test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels: [{ level: 'WASPADA', raise: 1000, clear: 999 }],
    });
    const evaluator = createAlertEvaluator({ database: db.database, logger, clock: () => T0 });
    await evaluator.evaluateReadings();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => {};
    const insertedOlder = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // The older transaction stores first but commits last.
    const older = db.database.sql.transaction(async (tx) => {
      await insertReadings(tx, [{ datastreamId: ds, time: new Date(T0), value: 1500 }]);
      inserted();
      await held;
    });
    await insertedOlder;
    await store([{ datastreamId: ds, time: new Date(T0 + 1000), value: 1 }]);
    expect(await evaluator.evaluateReadings()).toBe(0);
    release();
    await older;
    expect(await evaluator.evaluateReadings()).toBe(2);
    // In commit order the 1500 came first: it opened the alert, the later 1 resolved it.
    expect((await eventsOfRule(ruleId)).map((e) => e.type)).toEqual(['opened', 'resolved']);
  });

  it('killing the evaluator mid-stream and restarting it neither loses nor repeats a transition', async () => {
    const ds = await datastream('ormas-service-01', 'applications');
    const levels = [
      { level: 'WASPADA', raise: 10, clear: 8 },
      { level: 'AWAS', raise: 20, clear: 18 },
    ];
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'Applications test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels,
    });
    // A sawtooth through both levels: 0, 12, 25, 12, 0, ... every reading a transition.
    const pattern = [0, 12, 25, 12];
    const rows = series(
      ds,
      Array.from({ length: 2000 }, (_, i) => pattern[i % pattern.length] ?? 0),
      1_000,
    );
    for (let i = 0; i < rows.length; i += 100) await store(rows.slice(i, i + 100));
    let state: LevelState = NORMAL_STATE;
    const expected: string[] = [];
    const parsed = parseLevels(levels, 'RISING');
    for (const r of rows) {
      const step = stepLevel(parsed, 0, state, r.time.getTime(), r.value);
      state = step.state;
      if (step.change) expected.push(`${r.time.toISOString()} ${step.change.from}->${step.change.to}`);
    }
    expect(expected.length).toBeGreaterThan(1500);

    const script = fileURLToPath(new URL('./testing/evaluator-process.ts', import.meta.url));
    const first = spawnWorker(script, { DATABASE_URL: db.url });
    let before = 0;
    for (;;) {
      before = (await eventsOfRule(ruleId)).length;
      if (before >= 200) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const killed = await first.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const atKill = (await eventsOfRule(ruleId)).length;
    // The kill landed mid-stream: some transitions were written, many were not.
    expect(atKill).toBeLessThan(expected.length);

    const second = spawnWorker(script, { DATABASE_URL: db.url });
    try {
      const last = rows.at(-1)?.time.toISOString();
      for (;;) {
        const { rows: progress } = await db.database.sql.query<{ time: Date }>(
          `SELECT time FROM alert_evaluator_progress WHERE id = 'readings'`,
        );
        const reached = progress[0]?.time.toISOString();
        if (reached !== undefined && last !== undefined && reached >= last) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await second.kill('SIGTERM');
    }
    const indexOf = (name: string | null) =>
      name === 'NORMAL' || name === null ? 0 : levels.findIndex((l) => l.level === name) + 1;
    const events = (await eventsOfRule(ruleId)).filter((e) => e.readingTime !== null);
    const actual = events.map(
      (e) =>
        `${e.readingTime?.toISOString()} ${e.type === 'opened' ? 0 : indexOf(e.fromLevel)}->${indexOf(e.toLevel)}`,
    );
    console.log(
      `kill test: ${atKill} of ${expected.length} transitions written before SIGKILL, ${actual.length} after restart`,
    );
    expect(actual).toEqual(expected);
  });

  it('falling rules: a level entered at or below raise after the pending period, a fall over the window, both cleared at clear', async () => {
    const ds = await datastream('baliase-river-01', 'water_level');
    // Low water is the danger here (think of a clean-water reservoir): 1.0 m or less for a minute.
    const lowRule = await createAlertRule(db.database.sql, {
      name: 'Low level test',
      kind: 'THRESHOLD',
      direction: 'FALLING',
      target: { datastreamId: ds },
      levels: [{ level: 'WASPADA', raise: 1.0, clear: 1.2 }],
      pendingSeconds: 60,
    });
    // A drop of 0.5 m or more from the highest value of the last ten minutes.
    const dropRule = await createAlertRule(db.database.sql, {
      name: 'Fast drop test',
      kind: 'RATE_OF_RISE',
      direction: 'FALLING',
      target: { datastreamId: ds },
      levels: [{ level: 'SIAGA', raise: -0.5, clear: -0.2 }],
      windowSeconds: 600,
    });
    // Every 30 s: steady at 2.0 m, a drop to 0.9 m, hovering inside the low rule's band (below
    // its clear 1.2) for minutes, then back to 1.3 m.
    const values = [
      2.0,
      2.0,
      2.0,
      2.0,
      2.0,
      1.8,
      1.6,
      1.4,
      1.2,
      1.0,
      0.9,
      1.05,
      0.95,
      ...Array.from({ length: 17 }, () => 1.1),
      1.3,
      1.3,
      1.3,
      1.3,
      1.3,
    ];
    const start = T0 + 5 * 86_400_000;
    const rows = series(ds, values, 30_000, start);
    for (let i = 0; i < rows.length; i += 5) await store(rows.slice(i, i + 5));
    const evaluator = createAlertEvaluator({ database: db.database, logger, clock: () => start + 3_600_000 });
    await evaluator.evaluateReadings();

    const history = async (ruleId: string) =>
      (await eventsOfRule(ruleId)).map((e) => ({
        type: e.type,
        level: e.toLevel,
        atSecond: ((e.readingTime?.getTime() ?? 0) - start) / 1000,
      }));
    // 1.0 m first at 270 s; 1.05 m at 330 s is above raise but below clear, so the minute is
    // complete there. It clears one minute after the first 1.3 m (900 s), not on 1.1 m.
    expect(await history(lowRule)).toEqual([
      { type: 'opened', level: 'WASPADA', atSecond: 330 },
      { type: 'resolved', level: 'NORMAL', atSecond: 960 },
    ]);
    // 1.4 m at 210 s is 0.6 m below the 2.0 m of the window; it clears at 840 s, when the
    // highest value left in the window (1.2 m at 240 s) is less than 0.2 m above the 1.1 m.
    expect(await history(dropRule)).toEqual([
      { type: 'opened', level: 'SIAGA', atSecond: 210 },
      { type: 'resolved', level: 'NORMAL', atSecond: 840 },
    ]);
    const [drop] = await alertsOfRule(dropRule);
    const opened = (await eventsOfRule(dropRule))[0];
    expect(opened?.value).toBeCloseTo(-0.6);
    expect(drop?.state).toBe('RESOLVED');
  });

  it('a stale datastream raises and then clears a no-data alert', async () => {
    const ds = await datastream('ormas-service-01', 'uptime');
    // Expected every 300 s: stale after three intervals without a reading, clear once one arrives.
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'Service silent test',
      kind: 'NO_DATA',
      target: { datastreamId: ds },
      levels: [{ level: 'WASPADA', raise: 3, clear: 1 }],
    });
    const start = T0 + 86_400_000;
    let now = start;
    const evaluator = createAlertEvaluator({ database: db.database, logger, clock: () => now });
    await store([{ datastreamId: ds, time: new Date(start), value: 99.9 }]);
    now = start + 600_000;
    await evaluator.evaluateTimers();
    expect(await alertsOfRule(ruleId)).toHaveLength(0);
    now = start + 900_000;
    await evaluator.evaluateTimers();
    const [raised] = await alertsOfRule(ruleId);
    expect(raised?.state).toBe('OPEN');
    expect(raised?.value).toBeCloseTo(3);
    await store([{ datastreamId: ds, time: new Date(start + 950_000), value: 99.8 }]);
    now = start + 960_000;
    await evaluator.evaluateTimers();
    const [cleared] = await alertsOfRule(ruleId);
    expect(cleared?.state).toBe('RESOLVED');
    expect((await eventsOfRule(ruleId)).map((e) => e.type)).toEqual(['opened', 'resolved']);
  });

  it('repeats an emergency every 15 minutes until acknowledged, then stops', async () => {
    const ds = await datastream('masamba-park-wifi-01', 'wifi_users');
    const ruleId = await createAlertRule(db.database.sql, {
      name: 'Cadence test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels: [{ level: 'AWAS', raise: 500, clear: 400 }],
    });
    const start = T0 + 2 * 86_400_000;
    let now = start;
    const evaluator = createAlertEvaluator({ database: db.database, logger, clock: () => now });
    await store([{ datastreamId: ds, time: new Date(start), value: 600 }]);
    await evaluator.evaluateReadings();
    now = start + 10 * 60_000;
    await evaluator.evaluateTimers();
    now = start + 16 * 60_000;
    await evaluator.evaluateTimers();
    now = start + 32 * 60_000;
    await evaluator.evaluateTimers();
    expect((await eventsOfRule(ruleId)).map((e) => e.type)).toEqual(['opened', 'reminder', 'reminder']);
    const [alert] = await alertsOfRule(ruleId);
    if (!alert) throw new Error('no alert');
    await db.database.sql.transaction((tx) =>
      acknowledgeAlert(tx, {
        alertId: alert.id,
        by: 'operator@contoh.bisa.id',
        note: 'tim dikirim',
        now: new Date(now),
      }),
    );
    await expect(
      db.database.sql.transaction((tx) =>
        acknowledgeAlert(tx, { alertId: alert.id, by: 'x', now: new Date(now) }),
      ),
    ).rejects.toThrow(/is ACKNOWLEDGED, and only an OPEN alert can be acknowledged/);
    now = start + 120 * 60_000;
    await evaluator.evaluateTimers();
    expect((await eventsOfRule(ruleId)).map((e) => e.type)).toEqual([
      'opened',
      'reminder',
      'reminder',
      'acknowledged',
    ]);
  });
});

describe('webhook sender', () => {
  let server: Server;
  let url: string;
  const received: { status: number; body: string; signature: string; delivery: string }[] = [];
  let failuresLeft = 3;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const fail = req.url === '/always-fails' || failuresLeft-- > 0;
        const status = fail ? 503 : 204;
        received.push({
          status,
          body,
          signature: String(req.headers['x-bisa-signature']),
          delivery: String(req.headers['x-bisa-delivery']),
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a receiver that fails three times then succeeds receives the notification exactly once more, signed', async () => {
    await db.database.sql.query('UPDATE webhook SET enabled = false');
    await db.database.sql.query(`UPDATE alert_notification SET status = 'DEAD' WHERE status = 'PENDING'`);
    const secret = 'receiver-secret-0123456789';
    await createWebhook(db.database.sql, { name: 'flaky receiver', url: `${url}/hook`, secret });
    const ds = await datastream('masamba-market-aq-01', 'pm25');
    await createAlertRule(db.database.sql, {
      name: 'Webhook test',
      kind: 'THRESHOLD',
      target: { datastreamId: ds },
      levels: [{ level: 'SIAGA', raise: 300, clear: 250 }],
    });
    const start = T0 + 3 * 86_400_000;
    let now = start;
    await store([{ datastreamId: ds, time: new Date(start), value: 350 }]);
    await createAlertEvaluator({ database: db.database, logger, clock: () => now }).evaluateReadings();

    const retry = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 6 };
    const sender = createWebhookSender({ database: db.database, logger, clock: () => now, retry });
    expect(await sender.deliverDue()).toBe(1);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      // Not due before its backoff has passed...
      now += backoffMs(retry, attempt) - 1;
      expect(await sender.deliverDue()).toBe(0);
      now += 1;
      expect(await sender.deliverDue()).toBe(1);
    }
    now += 24 * 3_600_000;
    expect(await sender.deliverDue()).toBe(0);

    expect(received.map((r) => r.status)).toEqual([503, 503, 503, 204]);
    expect(new Set(received.map((r) => r.delivery)).size).toBe(1);
    const last = received.at(-1);
    if (!last) throw new Error('nothing received');
    const t = Number(/t=(\d+)/.exec(last.signature)?.[1]);
    expect(last.signature).toBe(signBody(secret, last.body, t));
    const body = JSON.parse(last.body) as { type: string; alert: { level: string }; text: { id: string } };
    expect(body.type).toBe('opened');
    expect(body.alert.level).toBe('SIAGA');
    expect(body.text.id).toContain('SIAGA: Webhook test');
    const [row] = (await listNotifications(db.database.sql)).filter((n) => n.status !== 'DEAD');
    expect(row).toMatchObject({ status: 'DELIVERED', attempts: 4 });
  });

  it('keeps an undeliverable notification as DEAD with its last error after the last attempt', async () => {
    await db.database.sql.query('UPDATE webhook SET enabled = false');
    const webhookId = await createWebhook(db.database.sql, {
      name: 'dead receiver',
      url: `${url}/always-fails`,
      secret: 'dead-secret-0123456789abc',
    });
    const ds = await datastream('masamba-market-aq-01', 'pm25');
    const start = T0 + 4 * 86_400_000;
    let now = start;
    // The webhook-test rule's alert resolves: one notification to the new webhook.
    await store([{ datastreamId: ds, time: new Date(start), value: 10 }]);
    await createAlertEvaluator({ database: db.database, logger, clock: () => now }).evaluateReadings();
    const retry = { baseMs: 1_000, maxMs: 2_000, maxAttempts: 3 };
    const sender = createWebhookSender({ database: db.database, logger, clock: () => now, retry });
    for (let i = 0; i < 5; i += 1) {
      await sender.deliverDue();
      now += 10_000;
    }
    const rows = (await listNotifications(db.database.sql)).filter((n) => n.webhookId === webhookId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'DEAD', attempts: 3, lastError: 'HTTP 503 Service Unavailable' });
  });
});
