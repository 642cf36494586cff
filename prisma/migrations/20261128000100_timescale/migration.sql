-- Hand-written: TimescaleDB storage for readings, guarded so it is a no-op on plain PostgreSQL.
-- Where the extension is available it is created, "reading" becomes a hypertable (its primary
-- key already includes the time column, as hypertables require) and an hourly continuous
-- aggregate is kept for long-range series. Real-time aggregation (materialized_only = false)
-- keeps the aggregate correct even where no background worker refreshes it (PGlite).
-- WITH NO DATA lets the view be created inside the migration's transaction.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('reading', 'time', chunk_time_interval => INTERVAL '7 days', migrate_data => true);
    EXECUTE $view$
      CREATE MATERIALIZED VIEW reading_hourly
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT datastream_id,
             time_bucket(INTERVAL '1 hour', time) AS bucket,
             avg(value) AS avg_value,
             min(value) AS min_value,
             max(value) AS max_value,
             count(*) AS sample_count
      FROM reading
      GROUP BY datastream_id, time_bucket(INTERVAL '1 hour', time)
      WITH NO DATA
    $view$;
    PERFORM add_continuous_aggregate_policy('reading_hourly',
      start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');
  END IF;
END
$$;
