import type { CommittedReading } from '@bisa/db/notifications.ts';
import { committedReadingsNotifications, READINGS_COMMITTED_CHANNEL } from '@bisa/db/notifications.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import { thingsAcceptedUpdate } from './things.ts';

export interface ReadingRow {
  datastreamId: number;
  time: Date;
  value: number;
}

// Statement parts shared by the functions below. They are constants with the placeholders
// numbered by the caller, so every value still travels as a parameter.

/** The rows of parameters $1-$3 (see readingParams) as (datastream_id, time, value). */
const READING_ROWS = `(SELECT datastream_id, to_timestamp(epoch_ms / 1000) AS time, value
  FROM unnest($1::int[], $2::float8[], $3::float8[]) AS r(datastream_id, epoch_ms, value)) AS given`;

/** Inserts the rows of $1-$3 and returns only those that were new. */
const INSERT_NEW_READINGS = `INSERT INTO reading (datastream_id, time, value)
  SELECT datastream_id, time, value FROM ${READING_ROWS}
  ON CONFLICT (datastream_id, time) DO NOTHING
  RETURNING datastream_id, time, value`;

/** Moves each datastream's latest reading forward from `source` (datastream_id, time, value). */
const upsertLatestFrom = (source: string) => `INSERT INTO latest_reading (datastream_id, time, value)
  SELECT DISTINCT ON (datastream_id) datastream_id, time, value
  FROM ${source}
  ORDER BY datastream_id, time DESC
  ON CONFLICT (datastream_id) DO UPDATE SET time = EXCLUDED.time, value = EXCLUDED.value
  WHERE latest_reading.time < EXCLUDED.time`;

/**
 * Readings as three array parameters, written here as array literals of plain numbers (times in
 * milliseconds since the epoch, which to_timestamp turns back into the same millisecond):
 * node-postgres would format and escape every element, a Date as a local-time string, which in a
 * profile took nearly as much CPU as parsing and validating the payloads (docs/benchmarks.md).
 */
const readingParams = (rows: readonly { datastreamId: number; time: Date | string; value: number }[]) => [
  `{${rows.map((r) => r.datastreamId).join(',')}}`,
  `{${rows.map((r) => (typeof r.time === 'string' ? Date.parse(r.time) : r.time.getTime())).join(',')}}`,
  `{${rows.map((r) => r.value).join(',')}}`,
];

/**
 * Inserts readings in one statement and returns only the rows that were new: a reading already
 * stored for the same datastream and time (a redelivery, or a device resending) is left as it is.
 */
export async function insertReadings(
  db: SqlQueryable,
  rows: readonly ReadingRow[],
): Promise<CommittedReading[]> {
  const { rows: inserted } = await db.query<{ datastream_id: number; time: Date; value: number }>(
    INSERT_NEW_READINGS,
    readingParams(rows),
  );
  return inserted.map((r) => ({ datastreamId: r.datastream_id, time: r.time.toISOString(), value: r.value }));
}

/** Moves each datastream's latest reading forward; an older reading arriving late never replaces a newer one. */
export async function upsertLatestReadings(
  db: SqlQueryable,
  rows: readonly CommittedReading[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(upsertLatestFrom(READING_ROWS), readingParams(rows));
}

/** The name `storeReadings` prepares its statement under; the throughput bench times commits by it. */
export const STORE_READINGS_STATEMENT = 'ingest-store-readings';

/**
 * What ingest commits for the readings of a batch of messages, as one statement: the new readings
 * (a redelivered one is left as it is), the latest reading per datastream, the sending devices
 * marked accepted, and the committed-readings notifications of the new rows. One statement is one
 * round trip, and outside a transaction block it commits by itself: under CPU contention every
 * round trip waits for the scheduler, and a commit used to take seven (BEGIN, four statements,
 * one notify per 60 readings, COMMIT). Its text never changes, so it is also a prepared statement:
 * parsed and planned once per connection. Returns how many readings were new.
 */
export async function storeReadings(
  db: SqlQueryable,
  rows: readonly ReadingRow[],
  acceptedThingIds: readonly string[],
): Promise<number> {
  // Sorted by key, so two overlapping commits of the same redelivered readings take their row
  // locks in the same order and wait for each other instead of deadlocking.
  const sorted = [...rows].sort(
    (a, b) => a.datastreamId - b.datastreamId || a.time.getTime() - b.time.getTime(),
  );
  const { rows: result } = await db.query<{ inserted: number }>(
    `WITH fresh AS (${INSERT_NEW_READINGS}),
     latest AS (${upsertLatestFrom('fresh')}),
     accepted AS (${thingsAcceptedUpdate('$4::text[]')}),
     notified AS (${committedReadingsNotifications('fresh', '$5')})
     -- A SELECT in WITH runs only when read; the data-modifying parts run in any case.
     SELECT (SELECT count(*) FROM fresh)::int AS inserted, (SELECT count(*) FROM notified) AS notifications`,
    [...readingParams(sorted), acceptedThingIds, READINGS_COMMITTED_CHANNEL],
    { name: STORE_READINGS_STATEMENT },
  );
  return result[0]?.inserted ?? 0;
}
