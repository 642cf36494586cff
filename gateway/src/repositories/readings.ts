import type { SqlQueryable } from '@bisa/db/sql-client.ts';

export interface SeriesRow {
  bucket: Date;
  avg: number;
  min: number;
  max: number;
  count: number;
}

export interface SeriesQuery {
  datastreamId: number;
  from: Date;
  to: Date;
  bucketSeconds: number;
}

/**
 * Buckets start at midnight in Luwu Utara (WITA, UTC+8, no daylight saving), so a day bucket
 * is a local calendar day. The offset is a whole number of hours, so minute and hour buckets
 * are unaffected and the hourly aggregate's buckets nest exactly.
 */
export const BUCKET_ORIGIN_OFFSET_SECONDS = 8 * 3600;

/** Portable SQL (plain PostgreSQL or TimescaleDB): buckets straight from the readings. */
export async function readSeriesFromReadings(sql: SqlQueryable, query: SeriesQuery): Promise<SeriesRow[]> {
  const { rows } = await sql.query<SeriesRow>(
    `SELECT to_timestamp(floor((extract(epoch FROM time) + $5) / $4) * $4 - $5) AS bucket,
            avg(value) AS avg, min(value) AS min, max(value) AS max, count(*)::int AS count
       FROM reading
      WHERE datastream_id = $1 AND time >= $2 AND time < $3
      GROUP BY 1
      ORDER BY 1`,
    [query.datastreamId, query.from, query.to, query.bucketSeconds, BUCKET_ORIGIN_OFFSET_SECONDS],
  );
  return rows;
}

/**
 * Same result from the TimescaleDB continuous aggregate `reading_hourly` (real-time, so it
 * includes readings not yet materialised). Only valid when the bucket is a whole number of
 * hours and the range starts and ends on whole hours; the caller checks that.
 */
export async function readSeriesFromHourlyAggregate(
  sql: SqlQueryable,
  query: SeriesQuery,
): Promise<SeriesRow[]> {
  const { rows } = await sql.query<SeriesRow>(
    `SELECT to_timestamp(floor((extract(epoch FROM bucket) + $5) / $4) * $4 - $5) AS bucket,
            (sum(avg_value * sample_count) / sum(sample_count))::double precision AS avg,
            min(min_value) AS min, max(max_value) AS max, sum(sample_count)::int AS count
       FROM reading_hourly
      WHERE datastream_id = $1 AND bucket >= $2 AND bucket < $3
      GROUP BY 1
      ORDER BY 1`,
    [query.datastreamId, query.from, query.to, query.bucketSeconds, BUCKET_ORIGIN_OFFSET_SECONDS],
  );
  return rows;
}

/**
 * The time of the datastream's first reading in [from, to), or null. The primary key
 * (datastream_id, time) answers it by reading one index entry (per chunk on TimescaleDB), so
 * it stays cheap over any range.
 */
export async function readFirstReadingTime(
  sql: SqlQueryable,
  query: { datastreamId: number; from: Date; to: Date },
): Promise<Date | null> {
  const { rows } = await sql.query<{ time: Date }>(
    `SELECT time FROM reading
      WHERE datastream_id = $1 AND time >= $2 AND time < $3
      ORDER BY time
      LIMIT 1`,
    [query.datastreamId, query.from, query.to],
  );
  return rows[0]?.time ?? null;
}

/** Whether the TimescaleDB migration created the hourly continuous aggregate in this database. */
export async function hasHourlyAggregate(sql: SqlQueryable): Promise<boolean> {
  const { rows } = await sql.query<{ present: boolean }>(
    "SELECT to_regclass('reading_hourly') IS NOT NULL AS present",
  );
  return rows[0]?.present === true;
}
