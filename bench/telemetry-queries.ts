#!/usr/bin/env node
// Telemetry reads at city scale (issue #4). Seeds D datastreams with a year of readings, one a
// minute by default, then times, with the gateway's own repository functions:
//   - city-wide 24 h at 1-minute buckets (every datastream's series, straight from the readings);
//   - city-wide 1 year at 1-day buckets, from the readings and, where TimescaleDB is installed,
//     from the hourly continuous aggregate (what the gateway uses when the bucket allows);
//   - the latest value of L more datastreams through the gateway's GraphQL (in process), with the
//     wallboard's shape: dimensions -> programmes -> things -> datastreams -> latest.
// Usage: node bench/telemetry-queries.ts --help
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, openEmbeddedDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData, seedSampleData } from '@bisa/db/seed.ts';
import { createTestDatabase } from '@bisa/db/testing.ts';
import { createGateway } from '@bisa/gateway/gateway.ts';
import {
  readSeriesFromHourlyAggregate,
  readSeriesFromReadings,
  type SeriesQuery,
} from '@bisa/gateway/repositories/readings.ts';
import pino from 'pino';

const USAGE = `Usage: node bench/telemetry-queries.ts [options]

  --backend embedded|server  embedded: PGlite with TimescaleDB in a temporary folder (hypertable,
                             continuous aggregate); server: a scratch database on the PostgreSQL
                             of DATABASE_URL or 127.0.0.1:5432 (plain PostgreSQL 15 here)
                             (default: embedded)
  --datastreams N            datastreams to seed (default 20)
  --days N                   days of history (default 365)
  --every-minutes N          minutes between two readings of one datastream (default 1:
                             20 datastreams x 365 days at one a minute = 10.5 million readings)
  --latest-datastreams N     datastreams with one latest value each, for the latest-values query
                             (default 500)
  --runs N                   timed runs of each query, after one warm-up (default 5)

Prints each figure's minimum, median and maximum in milliseconds; progress goes to stderr.`;

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'embedded' },
    datastreams: { type: 'string', default: '20' },
    days: { type: 'string', default: '365' },
    'every-minutes': { type: 'string', default: '1' },
    'latest-datastreams': { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const backend = values.backend;
const datastreamCount = Number(values.datastreams);
const days = Number(values.days);
const everyMinutes = Number(values['every-minutes']);
const runs = Number(values.runs);
const latestCount = Number(values['latest-datastreams']);
const problems = [
  backend === 'embedded' || backend === 'server' ? '' : '--backend must be embedded or server',
  ...(
    [
      ['--datastreams', datastreamCount],
      ['--days', days],
      ['--every-minutes', everyMinutes],
      ['--runs', runs],
      ['--latest-datastreams', latestCount],
    ] as const
  ).map(([name, value]) =>
    Number.isInteger(value) && value > 0 ? '' : `${name} must be a positive integer`,
  ),
].filter(Boolean);
if (problems.length > 0) {
  console.error(`${problems.join('\n')}\n\n${USAGE}`);
  process.exit(2);
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function openDatabase(): Promise<{ database: Database; close(): Promise<void> }> {
  if (backend === 'server') {
    const scratch = await createTestDatabase();
    return { database: scratch.database, close: () => scratch.drop() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'bisa-bench-pglite-'));
  const database = await openEmbeddedDatabase(dir);
  await applyMigrations(database.sql);
  await seedReferenceData(database);
  await seedSampleData(database);
  return {
    database,
    async close() {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `count` bench things named `<prefix>-NNNN`, spread over the sample programmes, on one sample
 * site, with one water-level datastream each; returns the datastream ids.
 */
async function seedDatastreams(database: Database, prefix: string, count: number): Promise<number[]> {
  await database.sql.query(
    `WITH programmes AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM programme)
     INSERT INTO thing (id, name, programme_id, location_id)
     SELECT $2 || '-' || lpad(g::text, 4, '0'), 'Benchmark gauge ' || g, p.id,
            (SELECT location_id FROM thing ORDER BY id LIMIT 1)
       FROM generate_series(1, $1) g JOIN programmes p ON p.n = g % p.total`,
    [count, prefix],
  );
  const { rows } = await database.sql.query<{ id: number }>(
    `INSERT INTO datastream (thing_id, key, observed_property_id, unit)
     SELECT t.id, 'water_level', (SELECT observed_property_id FROM datastream ORDER BY id LIMIT 1), 'm'
       FROM thing t WHERE starts_with(t.id, $1 || '-')
     RETURNING id`,
    [prefix],
  );
  return rows.map((r) => r.id);
}

async function seedReadings(database: Database, ids: readonly number[], now: Date): Promise<number> {
  const points = Math.floor((days * 1440) / everyMinutes);
  let stored = 0;
  const started = performance.now();
  // A few datastreams per statement: one statement of millions of rows would hold PGlite's memory.
  const perStatement = Math.max(1, Math.floor(200_000 / points));
  for (let i = 0; i < ids.length; i += perStatement) {
    const chunk = ids.slice(i, i + perStatement);
    // A smooth daily signal with noise, different per datastream.
    const { rows } = await database.sql.query<{ n: number }>(
      `WITH inserted AS (
         INSERT INTO reading (datastream_id, time, value)
         SELECT d, t, 1.5 + sin(extract(epoch FROM t) / 43200 + d) + random() * 0.1
           FROM unnest($1::int[]) d,
                LATERAL (SELECT $2::timestamptz - make_interval(mins => g * $3) AS t
                           FROM generate_series(0, $4 - 1) g) times
         RETURNING 1)
       SELECT count(*)::int AS n FROM inserted`,
      [chunk, now, everyMinutes, points],
    );
    stored += rows[0]?.n ?? 0;
    const seconds = (performance.now() - started) / 1000;
    progress(
      `  seeded ${stored.toLocaleString('en')} readings (${Math.min(i + perStatement, ids.length)}/${ids.length} datastreams, ${Math.round(stored / seconds).toLocaleString('en')}/s)`,
    );
  }
  await database.sql.query(
    `INSERT INTO latest_reading (datastream_id, time, value)
     SELECT DISTINCT ON (datastream_id) datastream_id, time, value FROM reading
      WHERE datastream_id = ANY($1::int[]) ORDER BY datastream_id, time DESC
     ON CONFLICT (datastream_id) DO UPDATE SET time = EXCLUDED.time, value = EXCLUDED.value`,
    [ids],
  );
  return stored;
}

async function time(label: string, work: () => Promise<unknown>): Promise<void> {
  await work();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  const fmt = (ms: number) => ms.toFixed(1).padStart(9);
  console.log(
    `${label.padEnd(58)} min ${fmt(samples[0] ?? 0)}  median ${fmt(median)}  max ${fmt(samples.at(-1) ?? 0)} ms`,
  );
  medians.set(label, median);
}

const medians = new Map<string, number>();
const opened = await openDatabase();
try {
  const { database } = opened;
  const timescale = await database.hasTimescale();
  progress(`backend ${backend} (${timescale ? 'TimescaleDB' : 'plain PostgreSQL'}); seeding...`);
  const ids = await seedDatastreams(database, 'bench', datastreamCount);
  // Whole hours, as the gateway requires for the aggregate path.
  const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const seedStarted = performance.now();
  const stored = await seedReadings(database, ids, now);
  progress(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
  if (timescale) {
    const refreshStarted = performance.now();
    // Materialises what the policy's background job would; PGlite has no background workers.
    await database.sql.query("CALL refresh_continuous_aggregate('reading_hourly', NULL, NULL)");
    progress(
      `continuous aggregate refreshed in ${((performance.now() - refreshStarted) / 1000).toFixed(0)} s`,
    );
  }
  await database.sql.query('ANALYZE');

  const dayAgo = new Date(now.getTime() - 86_400_000);
  const yearAgo = new Date(now.getTime() - days * 86_400_000);
  const cityWide =
    (read: (q: SeriesQuery) => Promise<unknown>, from: Date, bucketSeconds: number) => async () => {
      for (const datastreamId of ids) await read({ datastreamId, from, to: now, bucketSeconds });
    };
  console.log(
    `\n${backend} (${timescale ? 'TimescaleDB' : 'plain PostgreSQL'}), ${ids.length} datastreams, ${stored.toLocaleString('en')} readings, ${runs} runs each`,
  );
  await time(
    'city-wide 24 h, 1-minute buckets, from readings',
    cityWide((q) => readSeriesFromReadings(database.sql, q), dayAgo, 60),
  );
  await time(
    `city-wide ${days} days, 1-day buckets, from readings`,
    cityWide((q) => readSeriesFromReadings(database.sql, q), yearAgo, 86_400),
  );
  if (timescale) {
    await time(
      `city-wide ${days} days, 1-day buckets, from the hourly aggregate`,
      cityWide((q) => readSeriesFromHourlyAggregate(database.sql, q), yearAgo, 86_400),
    );
    const raw = medians.get(`city-wide ${days} days, 1-day buckets, from readings`) ?? 0;
    const aggregate = medians.get(`city-wide ${days} days, 1-day buckets, from the hourly aggregate`) ?? 1;
    console.log(`continuous aggregate speed-up (medians): ${(raw / aggregate).toFixed(1)}x`);
  }

  const latestIds = await seedDatastreams(database, 'bench-latest', latestCount);
  await database.sql.query(
    `INSERT INTO latest_reading (datastream_id, time, value)
     SELECT id, $2::timestamptz, random() FROM unnest($1::int[]) id`,
    [latestIds, now],
  );
  const gateway = createGateway({ database, logger: pino({ level: 'silent' }) });
  await gateway.start();
  try {
    const wallboard = JSON.stringify({
      query: '{ dimensions { programmes { things { datastreams { id latest { time value } } } } } }',
    });
    let served = 0;
    await time(
      `latest values of ${latestIds.length + ids.length} datastreams, wallboard query via GraphQL`,
      async () => {
        const response = await gateway.yoga.fetch('http://bench/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: wallboard,
        });
        const text = await response.text();
        if (text.includes('"errors"'))
          throw new Error(`the gateway refused the wallboard query: ${text.slice(0, 300)}`);
        served = (text.match(/"latest":\{/g) ?? []).length;
      },
    );
    console.log(`(the wallboard query returned ${served} latest values)`);
  } finally {
    await gateway.stop();
  }
} finally {
  await opened.close();
}
