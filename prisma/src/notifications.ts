import type { SqlQueryable } from './sql-client.ts';

/**
 * Committed-readings notifications, from ingest to every gateway replica. Ingest sends them with
 * pg_notify inside the transaction that stores the readings; PostgreSQL delivers a NOTIFY only
 * when that transaction commits, so a subscriber never sees a reading that was rolled back.
 */
export const READINGS_COMMITTED_CHANNEL = 'bisa_readings_committed';

export interface CommittedReading {
  datastreamId: number;
  /** ISO 8601 */
  time: string;
  value: number;
}

// NOTIFY payloads must stay under 8000 bytes; one reading encodes to well under 100.
const READINGS_PER_NOTIFICATION = 60;

/** Queues notifications for `readings` in the caller's transaction (delivered on commit). */
export async function notifyReadingsCommitted(
  tx: SqlQueryable,
  readings: readonly CommittedReading[],
): Promise<void> {
  for (let start = 0; start < readings.length; start += READINGS_PER_NOTIFICATION) {
    const chunk = readings.slice(start, start + READINGS_PER_NOTIFICATION);
    await tx.query('SELECT pg_notify($1, $2)', [READINGS_COMMITTED_CHANNEL, JSON.stringify(chunk)]);
  }
}

/**
 * The same notifications built in SQL, for a statement that stores readings and notifies in one
 * round trip: a SELECT over `source` (columns datastream_id, time, value) that queues one
 * pg_notify per READINGS_PER_NOTIFICATION rows on the channel in placeholder `channel`. Each
 * payload is the JSON array notifyReadingsCommitted sends (time as ISO 8601 in UTC with
 * milliseconds, like Date.toISOString), so parseReadingsCommitted reads both.
 */
export const committedReadingsNotifications = (source: string, channel: string) =>
  `SELECT pg_notify(${channel}, json_agg(json_build_object(
            'datastreamId', datastream_id,
            'time', to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'value', value))::text)
   FROM (SELECT datastream_id, time, value, (row_number() OVER () - 1) / ${READINGS_PER_NOTIFICATION} AS chunk
         FROM ${source}) AS numbered
   GROUP BY chunk`;

/** Parses a notification payload; returns [] (and never throws) for anything malformed. */
export function parseReadingsCommitted(payload: string): CommittedReading[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (r): r is CommittedReading =>
      typeof r === 'object' &&
      r !== null &&
      Number.isInteger(r.datastreamId) &&
      typeof r.time === 'string' &&
      typeof r.value === 'number',
  );
}

/** Progress-report events (submitted, approved, rejected), sent in the transaction that made them. */
export const REPORT_EVENTS_CHANNEL = 'bisa_report_events';

export interface ReportEvent {
  reportId: string;
  kpiId: string;
  status: 'SUBMITTED' | 'APPROVED' | 'REJECTED';
}

/** Parses a report-event payload; returns undefined (and never throws) for anything malformed. */
export function parseReportEvent(payload: string): ReportEvent | undefined {
  try {
    const event = JSON.parse(payload) as Partial<ReportEvent>;
    const statuses = ['SUBMITTED', 'APPROVED', 'REJECTED'];
    return typeof event.reportId === 'string' &&
      typeof event.kpiId === 'string' &&
      statuses.includes(String(event.status))
      ? (event as ReportEvent)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Alert events (opened, escalated, acknowledged, resolved, closed, reminder), sent in the
 * transaction that recorded them: the webhook sender wakes on it, and a gateway subscription can.
 */
export const ALERT_EVENTS_CHANNEL = 'bisa_alert_events';

export interface AlertEventNotice {
  alertId: string;
  eventId: string;
  type: string;
}

/** Parses an alert-event payload; returns undefined (and never throws) for anything malformed. */
export function parseAlertEventNotice(payload: string): AlertEventNotice | undefined {
  try {
    const notice = JSON.parse(payload) as Partial<AlertEventNotice>;
    return typeof notice.alertId === 'string' &&
      typeof notice.eventId === 'string' &&
      typeof notice.type === 'string'
      ? (notice as AlertEventNotice)
      : undefined;
  } catch {
    return undefined;
  }
}
