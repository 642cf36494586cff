import type { CommittedReading } from '@bisa/db/notifications.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export interface ReadingRow {
  datastreamId: number;
  time: Date;
  value: number;
}

/**
 * Inserts readings in one statement and returns only the rows that were new: a reading already
 * stored for the same datastream and time (a redelivery, or a device resending) is left as it is.
 */
export async function insertReadings(
  db: SqlQueryable,
  rows: readonly ReadingRow[],
): Promise<CommittedReading[]> {
  const { rows: inserted } = await db.query<{ datastream_id: number; time: Date; value: number }>(
    `INSERT INTO reading (datastream_id, time, value)
     SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::float8[])
     ON CONFLICT (datastream_id, time) DO NOTHING
     RETURNING datastream_id, time, value`,
    [rows.map((r) => r.datastreamId), rows.map((r) => r.time), rows.map((r) => r.value)],
  );
  return inserted.map((r) => ({ datastreamId: r.datastream_id, time: r.time.toISOString(), value: r.value }));
}

/** Moves each datastream's latest reading forward; an older reading arriving late never replaces a newer one. */
export async function upsertLatestReadings(
  db: SqlQueryable,
  rows: readonly CommittedReading[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO latest_reading (datastream_id, time, value)
     SELECT DISTINCT ON (datastream_id) datastream_id, time, value
     FROM unnest($1::int[], $2::timestamptz[], $3::float8[]) AS r(datastream_id, time, value)
     ORDER BY datastream_id, time DESC
     ON CONFLICT (datastream_id) DO UPDATE SET time = EXCLUDED.time, value = EXCLUDED.value
     WHERE latest_reading.time < EXCLUDED.time`,
    [rows.map((r) => r.datastreamId), rows.map((r) => r.time), rows.map((r) => r.value)],
  );
}
