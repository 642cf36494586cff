/**
 * SQL of the daily summary: the Normal level's cadence (docs/alerts.md). Once a local day, the
 * alert evaluator claims the day and queues one summary per webhook that takes summaries, in the
 * same transaction, through the outbox that carries alert events: signed, retried and
 * dead-lettered like them. Here beside alerts.ts because it reads the same rows.
 */
import type { SqlQueryable } from './sql-client.ts';

/** A datastream counts as stale after this many expected intervals without a reading. */
const STALE_AFTER_INTERVALS = 3;
/** Most open alerts and stale datastreams listed by name in one summary (the counts are complete). */
const SUMMARY_LIST_LIMIT = 50;
const DAY_MS = 86_400_000;

/** The daily-summary webhook body (version 1), documented in docs/alerts.md. */
export interface DailySummaryPayload {
  version: 1;
  type: 'daily_summary';
  /** The local day it is for, YYYY-MM-DD, in `timeZone`. */
  day: string;
  timeZone: string;
  /** When it was made; the "past 24 h" figures cover [since, at]. */
  at: string;
  since: string;
  open: {
    total: number;
    /** OPEN, not (or not since its last escalation) acknowledged by anyone. */
    unacknowledged: number;
    byLevel: { level: string; open: number; unacknowledged: number }[];
    /** The longest-open first, at most SUMMARY_LIST_LIMIT. */
    alerts: {
      id: string;
      level: string;
      state: 'OPEN' | 'ACKNOWLEDGED';
      openedAt: string;
      rule: string;
      thing: { id: string; name: string; isSample: boolean };
    }[];
  };
  past24h: { opened: number; resolved: number; closed: number; openedStillUnacknowledged: number };
  stale: {
    total: number;
    /** The longest-silent first, at most SUMMARY_LIST_LIMIT. */
    datastreams: {
      id: number;
      key: string;
      thing: { id: string; name: string; isSample: boolean };
      lastReadingAt: string;
    }[];
  };
  /** Ready-made message lines for a WhatsApp or SMS gateway, Indonesian and English. */
  text: { id: string; en: string };
}

/**
 * Claims `day` and queues its summary to every enabled webhook that takes summaries, in the
 * caller's transaction. The claim is an INSERT ... ON CONFLICT DO NOTHING on the day, so of two
 * evaluators (or one restarted) only the first queues anything; the other waits for its commit
 * and gets undefined. Returns the summary and how many webhooks it was queued to.
 */
export async function queueDailySummary(
  tx: SqlQueryable,
  s: { day: string; timeZone: string; now: Date },
): Promise<{ payload: DailySummaryPayload; webhooks: number } | undefined> {
  const { rows: claimed } = await tx.query<{ day: string }>(
    `INSERT INTO alert_daily_summary (day, time_zone, created_at) VALUES ($1::date, $2, $3)
     ON CONFLICT (day) DO NOTHING RETURNING day::text AS day`,
    [s.day, s.timeZone, s.now],
  );
  if (claimed.length === 0) return undefined;
  const payload = await buildDailySummary(tx, s);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO alert_notification (summary_day, webhook_id, payload, next_attempt_at, created_at)
     SELECT $1::date, w.id, $2::jsonb, $3, $3 FROM webhook w WHERE w.enabled AND w.daily_summary
     RETURNING id::text AS id`,
    [s.day, JSON.stringify(payload), s.now],
  );
  return { payload, webhooks: rows.length };
}

/** What an agency head reads each morning: open alerts, the past 24 hours, silent datastreams. */
async function buildDailySummary(
  db: SqlQueryable,
  s: { day: string; timeZone: string; now: Date },
): Promise<DailySummaryPayload> {
  const since = new Date(s.now.getTime() - DAY_MS);
  const { rows: byLevel } = await db.query<{ level: string; open: number; unacknowledged: number }>(
    `SELECT level, count(*)::int AS open, (count(*) FILTER (WHERE state = 'OPEN'))::int AS unacknowledged
     FROM alert WHERE state IN ('OPEN', 'ACKNOWLEDGED') GROUP BY level ORDER BY count(*) DESC, level`,
  );
  const { rows: openAlerts } = await db.query<{
    id: string;
    level: string;
    state: 'OPEN' | 'ACKNOWLEDGED';
    openedAt: Date;
    rule: string;
    thingId: string;
    thingName: string;
    isSample: boolean;
  }>(
    `SELECT a.id, a.level, a.state, a.opened_at AS "openedAt", r.name AS rule, t.id AS "thingId",
            t.name AS "thingName", t.is_sample AS "isSample"
     FROM alert a JOIN alert_rule r ON r.id = a.rule_id JOIN datastream d ON d.id = a.datastream_id
     JOIN thing t ON t.id = d.thing_id
     WHERE a.state IN ('OPEN', 'ACKNOWLEDGED') ORDER BY a.opened_at, a.id LIMIT $1`,
    [SUMMARY_LIST_LIMIT],
  );
  // By the time the evaluator recorded each transition, so the window is the one the webhooks saw.
  const { rows: counts } = await db.query<DailySummaryPayload['past24h']>(
    `SELECT (count(*) FILTER (WHERE e.type = 'opened'))::int AS opened,
            (count(*) FILTER (WHERE e.type = 'resolved'))::int AS resolved,
            (count(*) FILTER (WHERE e.type = 'closed'))::int AS closed,
            (count(*) FILTER (WHERE e.type = 'opened' AND a.state = 'OPEN'))::int AS "openedStillUnacknowledged"
     FROM alert_event e JOIN alert a ON a.id = e.alert_id WHERE e.at > $1 AND e.at <= $2`,
    [since, s.now],
  );
  // A datastream that never reported is not stale (no device yet to miss), nor is a disabled device's.
  const { rows: stale } = await db.query<{
    id: number;
    key: string;
    thingId: string;
    thingName: string;
    isSample: boolean;
    lastReadingAt: Date;
  }>(
    `SELECT d.id, d.key, t.id AS "thingId", t.name AS "thingName", t.is_sample AS "isSample",
            l.time AS "lastReadingAt"
     FROM datastream d JOIN thing t ON t.id = d.thing_id JOIN latest_reading l ON l.datastream_id = d.id
     WHERE t.disabled_at IS NULL
       AND l.time < $1::timestamptz - make_interval(secs => d.expected_interval_seconds * $2::int)
     ORDER BY l.time, d.id`,
    [s.now, STALE_AFTER_INTERVALS],
  );
  const past24h = counts[0] ?? { opened: 0, resolved: 0, closed: 0, openedStillUnacknowledged: 0 };
  const open = {
    total: byLevel.reduce((sum, l) => sum + l.open, 0),
    unacknowledged: byLevel.reduce((sum, l) => sum + l.unacknowledged, 0),
    byLevel,
    alerts: openAlerts.map((a) => ({
      id: a.id,
      level: a.level,
      state: a.state,
      openedAt: a.openedAt.toISOString(),
      rule: a.rule,
      thing: { id: a.thingId, name: a.thingName, isSample: a.isSample },
    })),
  };
  const staleList = stale.slice(0, SUMMARY_LIST_LIMIT).map((d) => ({
    id: d.id,
    key: d.key,
    thing: { id: d.thingId, name: d.thingName, isSample: d.isSample },
    lastReadingAt: d.lastReadingAt.toISOString(),
  }));
  const sample = openAlerts.some((a) => a.isSample) || stale.some((d) => d.isSample);
  return {
    version: 1,
    type: 'daily_summary',
    day: s.day,
    timeZone: s.timeZone,
    at: s.now.toISOString(),
    since: since.toISOString(),
    open,
    past24h,
    stale: { total: stale.length, datastreams: staleList },
    text: summaryText(s.day, open, past24h, stale.length, sample),
  };
}

function summaryText(
  day: string,
  open: { total: number; unacknowledged: number; byLevel: { level: string; open: number }[] },
  past: DailySummaryPayload['past24h'],
  stale: number,
  sample: boolean,
): { id: string; en: string } {
  const levels =
    open.byLevel.length === 0 ? '' : ` (${open.byLevel.map((l) => `${l.level} ${l.open}`).join(', ')})`;
  const marker = sample ? ' [SAMPLE DATA]' : '';
  return {
    id:
      `Ringkasan harian BISA Hub ${day}: ${open.total} peringatan terbuka${levels}, ` +
      `${open.unacknowledged} belum diterima petugas. 24 jam terakhir: ${past.opened} dimulai, ` +
      `${past.resolved} kembali normal, ${past.closed} ditutup. ${stale} aliran data tanpa data.${marker}`,
    // Counts after their labels: no singular and plural to get wrong.
    en:
      `BISA Hub daily summary ${day}: open alerts ${open.total}${levels}, ` +
      `not acknowledged ${open.unacknowledged}. Past 24 h: raised ${past.opened}, ` +
      `back to normal ${past.resolved}, closed ${past.closed}. Datastreams without data: ${stale}.${marker}`,
  };
}
