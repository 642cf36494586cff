import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DailySummaryPayload } from '@bisa/db/alert-summary.ts';
import {
  acknowledgeAlert,
  createAlertRule,
  createWebhook,
  listAlerts,
  listNotifications,
} from '@bisa/db/alerts.ts';
import { createTestDatabase, datastreamIdOf, type TestDatabase } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReadings, upsertLatestReadings } from '../repositories/readings.ts';
import { createAlertEvaluator } from './evaluator.ts';
import { createWebhookSender, verifySignature } from './webhook-sender.ts';

// The daily summary against the real PostgreSQL, with an injected clock: alerts are opened,
// acknowledged and resolved at chosen times before 07:00 WITA, then evaluators check their timers
// around that time. Nothing here waits for a timer.

const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;
/** 07:00:05 WITA on 14 July 2026 (UTC+8). */
const SEVEN = Date.parse('2026-07-13T23:00:05Z');
const SCHEDULE = { hour: 7, minute: 0, timeZone: 'Asia/Makassar' };
const SECRET = 'summary-secret-0123456789';

let db: TestDatabase;
let server: Server;
let url: string;
const received: { path: string; event: string; delivery: string; signature: string; body: string }[] = [];
let now = SEVEN;

function datastream(thingId: string, key: string): Promise<number> {
  return datastreamIdOf(db.database.sql, thingId, key);
}

/** Commits one reading at `at` as ingest does and evaluates it with the clock at `at`. */
async function reading(datastreamId: number, at: number, value: number): Promise<void> {
  await db.database.sql.transaction(async (tx) => {
    await upsertLatestReadings(tx, await insertReadings(tx, [{ datastreamId, time: new Date(at), value }]));
  });
  now = at;
  await createAlertEvaluator({ database: db.database, logger, clock: () => now }).evaluateReadings();
}

async function summaryDays(): Promise<string[]> {
  const { rows } = await db.database.sql.query<{ day: string }>(
    'SELECT day::text AS day FROM alert_daily_summary ORDER BY day',
  );
  return rows.map((r) => r.day);
}

const summaries = () => received.filter((r) => r.event === 'daily_summary');

beforeAll(async () => {
  db = await createTestDatabase();
  // Sample rules watch the river gauges; reminders are tested in alerts.int.test.ts and here would
  // only add deliveries besides the summaries.
  await db.database.sql.query('UPDATE alert_rule SET enabled = false WHERE is_sample');
  await db.database.sql.query('DELETE FROM alert_cadence');
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        event: String(req.headers['x-bisa-event']),
        delivery: String(req.headers['x-bisa-delivery']),
        signature: String(req.headers['x-bisa-signature']),
        body,
      });
      res.writeHead(req.url === '/always-fails' ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // What the morning should report: an acknowledged WASPADA opened 30 h before (open, but not of
  // the past 24 h), an unacknowledged AWAS opened 10 h before, a SIAGA opened and resolved within
  // the past 24 h, and one datastream silent for two hours.
  const pm25 = await datastream('masamba-market-aq-01', 'pm25');
  const noise = await datastream('masamba-market-aq-01', 'noise_level');
  const users = await datastream('masamba-park-wifi-01', 'wifi_users');
  const uptime = await datastream('ormas-service-01', 'uptime');
  await createAlertRule(db.database.sql, {
    name: 'PM2.5 pasar (uji)',
    kind: 'THRESHOLD',
    target: { datastreamId: pm25 },
    levels: [{ level: 'WASPADA', raise: 55, clear: 45 }],
  });
  await createAlertRule(db.database.sql, {
    name: 'Kebisingan pasar (uji)',
    kind: 'THRESHOLD',
    target: { datastreamId: noise },
    levels: [{ level: 'AWAS', raise: 85, clear: 80 }],
  });
  await createAlertRule(db.database.sql, {
    name: 'Pengguna Wi-Fi (uji)',
    kind: 'THRESHOLD',
    target: { datastreamId: users },
    levels: [{ level: 'SIAGA', raise: 500, clear: 400 }],
  });
  await reading(pm25, SEVEN - 30 * HOUR, 60);
  const [waspada] = await listAlerts(db.database.sql);
  if (!waspada) throw new Error('the PM2.5 alert did not open');
  await db.database.sql.transaction((tx) =>
    acknowledgeAlert(tx, { alertId: waspada.id, by: 'operator', now: new Date(SEVEN - 29 * HOUR) }),
  );
  await reading(noise, SEVEN - 10 * HOUR, 90);
  await reading(users, SEVEN - 5 * HOUR, 600);
  await reading(users, SEVEN - 4 * HOUR, 10);
  await reading(uptime, SEVEN - 2 * HOUR, 99.5);
  // Fresh readings, no transitions: these datastreams are not stale.
  for (const ds of [pm25, noise, users]) await reading(ds, SEVEN - 60_000, ds === users ? 10 : 90);

  // Created after the alerts, so the outbox holds only what the timers queue from here on.
  await createWebhook(db.database.sql, { name: 'kepala dinas', url: `${url}/summary`, secret: SECRET });
  await createWebhook(db.database.sql, {
    name: 'SMS darurat',
    url: `${url}/emergency`,
    secret: SECRET,
    levels: ['AWAS'],
  });
  await createWebhook(db.database.sql, {
    name: 'rusak',
    url: `${url}/always-fails`,
    secret: SECRET,
    dailySummary: true,
  });
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.drop();
});

describe('daily summary', () => {
  it('is sent once per local day at 07:00 WITA, by two evaluators at once and after a restart', async () => {
    const evaluators = [1, 2].map(() =>
      createAlertEvaluator({ database: db.database, logger, clock: () => now, dailySummary: SCHEDULE }),
    );
    // 06:59:55 WITA: not yet.
    now = SEVEN - 10_000;
    await Promise.all(evaluators.map((e) => e.evaluateTimers()));
    expect(await summaryDays()).toEqual([]);
    now = SEVEN;
    await Promise.all(evaluators.map((e) => e.evaluateTimers()));
    await Promise.all(evaluators.map((e) => e.evaluateTimers()));
    // A restarted evaluator later that morning finds the day taken.
    now = SEVEN + 3 * HOUR;
    await createAlertEvaluator({
      database: db.database,
      logger,
      clock: () => now,
      dailySummary: SCHEDULE,
    }).evaluateTimers();
    expect(await summaryDays()).toEqual(['2026-07-14']);
    const queued = (await listNotifications(db.database.sql)).filter((n) => n.summaryDay !== null);
    // To the webhook of every level and to the one that asked; not to the AWAS-only SMS line.
    expect(queued.map((n) => n.summaryDay)).toEqual(['2026-07-14', '2026-07-14']);

    // The next morning, the next day's summary.
    now = SEVEN + 24 * HOUR;
    await evaluators[0]?.evaluateTimers();
    expect(await summaryDays()).toEqual(['2026-07-14', '2026-07-15']);
  });

  it('says what is open, what happened in the past 24 hours and which datastreams are silent, signed', async () => {
    now = SEVEN + 24 * HOUR + 1_000;
    const sender = createWebhookSender({ database: db.database, logger, clock: () => now });
    await sender.deliverDue();
    const first = summaries().find((r) => r.path === '/summary');
    if (!first) throw new Error('no summary delivered');
    const t = Number(/t=(\d+)/.exec(first.signature)?.[1]);
    expect(verifySignature(SECRET, first.body, first.signature, t)).toBe(true);
    expect(summaries().some((r) => r.path === '/emergency')).toBe(false);

    const body = JSON.parse(first.body) as DailySummaryPayload;
    expect(body).toMatchObject({
      version: 1,
      type: 'daily_summary',
      day: '2026-07-14',
      timeZone: 'Asia/Makassar',
      at: new Date(SEVEN).toISOString(),
      since: new Date(SEVEN - 24 * HOUR).toISOString(),
      past24h: { opened: 2, resolved: 1, closed: 0, openedStillUnacknowledged: 1 },
    });
    expect(body.open.total).toBe(2);
    expect(body.open.unacknowledged).toBe(1);
    expect(body.open.byLevel).toEqual([
      { level: 'AWAS', open: 1, unacknowledged: 1 },
      { level: 'WASPADA', open: 1, unacknowledged: 0 },
    ]);
    expect(body.open.alerts.map((a) => [a.rule, a.level, a.state])).toEqual([
      ['PM2.5 pasar (uji)', 'WASPADA', 'ACKNOWLEDGED'],
      ['Kebisingan pasar (uji)', 'AWAS', 'OPEN'],
    ]);
    expect(body.stale.total).toBe(1);
    expect(body.stale.datastreams).toEqual([
      {
        id: await datastream('ormas-service-01', 'uptime'),
        key: 'uptime',
        thing: { id: 'ormas-service-01', name: 'Layanan pendaftaran ormas daring', isSample: true },
        lastReadingAt: new Date(SEVEN - 2 * HOUR).toISOString(),
      },
    ]);
    expect(body.text.id).toBe(
      'Ringkasan harian BISA Hub 2026-07-14: 2 peringatan terbuka (AWAS 1, WASPADA 1), 1 belum diterima petugas. ' +
        '24 jam terakhir: 2 dimulai, 1 kembali normal, 0 ditutup. 1 aliran data tanpa data. [SAMPLE DATA]',
    );
    expect(body.text.en).toBe(
      'BISA Hub daily summary 2026-07-14: open alerts 2 (AWAS 1, WASPADA 1), not acknowledged 1. ' +
        'Past 24 h: raised 2, back to normal 1, closed 0. Datastreams without data: 1. [SAMPLE DATA]',
    );
  });

  it('a failing receiver gets the retries of any alert notification, then a dead letter', async () => {
    const sender = createWebhookSender({
      database: db.database,
      logger,
      clock: () => now,
      retry: { baseMs: 1_000, maxMs: 2_000, maxAttempts: 3 },
    });
    for (let i = 0; i < 6; i += 1) {
      now += 10_000;
      await sender.deliverDue();
    }
    const failing = summaries().filter((r) => r.path === '/always-fails');
    // Two summaries (two days), each tried three times under its own delivery id.
    expect(failing).toHaveLength(6);
    expect(new Set(failing.map((r) => r.delivery)).size).toBe(2);
    const rows = (await listNotifications(db.database.sql)).filter((n) => n.summaryDay !== null);
    expect(rows.map((r) => [r.summaryDay, r.status, r.attempts]).sort()).toEqual([
      ['2026-07-14', 'DEAD', 3],
      ['2026-07-14', 'DELIVERED', 1],
      ['2026-07-15', 'DEAD', 3],
      ['2026-07-15', 'DELIVERED', 1],
    ]);
    expect(rows.find((r) => r.status === 'DEAD')?.lastError).toBe('HTTP 503 Service Unavailable');
  });
});
