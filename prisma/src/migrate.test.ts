import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectServerDatabase, type Database, openEmbeddedDatabase } from './database.ts';
import { applyMigrations, MIGRATIONS_DIR } from './migrate.ts';
import { SAMPLE_THINGS, sampleDeviceSecret, sampleUserPassword } from './sample-data.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import { verifySecret } from './secret-hash.ts';
import { missingSampleCredentials, seedReferenceData, seedSampleData } from './seed.ts';
import type { SqlQueryable } from './sql-client.ts';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  started_at: Date;
}

const committedNames = async () =>
  (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

const migrationRows = async (sql: SqlQueryable) =>
  (
    await sql.query<MigrationRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, started_at
       FROM "_prisma_migrations" ORDER BY migration_name`,
    )
  ).rows;

const SEEDED_TABLES = [
  'agency',
  'dimension',
  'observed_property',
  'programme',
  'location',
  'thing',
  'datastream',
  'app_user',
  'api_key',
] as const;

async function rowCounts(sql: SqlQueryable): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEEDED_TABLES) {
    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

describe('migrations on a PostgreSQL server', () => {
  let scratch: ScratchDatabase;
  let work: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase({ prefix: 'bisa_migrate' });
    work = await mkdtemp(path.join(tmpdir(), 'bisa-migrate-'));
  });

  afterAll(async () => {
    await scratch?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('applies every migration in name order to an empty database', async () => {
    const progress: string[] = [];
    const applied = await applyMigrations(scratch.database.sql, {
      onProgress: (e) => progress.push(`${e.status} ${e.migration}`),
    });

    const names = await committedNames();
    expect(applied).toEqual(names);
    expect(progress).toEqual(names.flatMap((n) => [`applying ${n}`, `applied ${n}`]));
    const { rows } = await scratch.database.sql.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'reading', 'latest_reading', 'thing', 'dead_letter']),
    );
    // Plain PostgreSQL 15 has no TimescaleDB: the guarded migration is a no-op there.
    expect(await scratch.database.hasTimescale()).toBe(false);
  });

  it('records each migration as `prisma migrate deploy` would: finished, one step, sha256 of the file', async () => {
    const rows = await migrationRows(scratch.database.sql);

    expect(rows.map((r) => r.migration_name)).toEqual(await committedNames());
    for (const row of rows) {
      const file = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      // Prisma compares the lower-case hex SHA-256 of the file's bytes.
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('does nothing when run again', async () => {
    const before = await migrationRows(scratch.database.sql);

    expect(await applyMigrations(scratch.database.sql)).toEqual([]);

    expect(await migrationRows(scratch.database.sql)).toEqual(before);
  });

  it('refuses to run when an applied migration was edited, naming it and the remedy', async () => {
    const migrationsDir = path.join(work, 'edited');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const [first] = await committedNames();
    if (first === undefined) throw new Error('no migrations committed');
    await appendFile(path.join(migrationsDir, first, 'migration.sql'), '\n-- an innocent-looking edit\n');

    await expect(applyMigrations(scratch.database.sql, { dir: migrationsDir })).rejects.toThrow(
      `migration ${first} was changed after it was applied; add a new migration instead of editing an applied one`,
    );
  });

  it('rolls a failing migration back completely, so fixing it and re-running works', async () => {
    const migrationsDir = path.join(work, 'failing');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const name = '20991231000000_add_broken';
    await mkdir(path.join(migrationsDir, name));
    const file = path.join(migrationsDir, name, 'migration.sql');
    await writeFile(
      file,
      'CREATE TABLE "half_done" (id INT);\nALTER TABLE "no_such_table" ADD COLUMN x INT;\n',
    );

    await expect(applyMigrations(scratch.database.sql, { dir: migrationsDir })).rejects.toThrow(
      /no_such_table/,
    );
    const { rows: tables } = await scratch.database.sql.query(
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'",
    );
    expect(tables).toEqual([]);
    expect((await migrationRows(scratch.database.sql)).map((r) => r.migration_name)).not.toContain(name);

    await writeFile(file, 'CREATE TABLE "half_done" (id INT);\n');
    expect(await applyMigrations(scratch.database.sql, { dir: migrationsDir })).toEqual([name]);
  });

  it('lets several services migrate one empty database at the same time, each migration once', async () => {
    const empty = await createScratchDatabase({ prefix: 'bisa_migrate_race', maxConnections: 4 });
    try {
      // Separate clients, as separate processes would have.
      const others = await Promise.all(
        [1, 2].map(() => connectServerDatabase(empty.url, { maxConnections: 2 })),
      );
      try {
        const results = await Promise.all([empty.database, ...others].map((db) => applyMigrations(db.sql)));
        expect(results.flat().sort()).toEqual(await committedNames());
        expect((await migrationRows(empty.database.sql)).map((r) => r.migration_name)).toEqual(
          await committedNames(),
        );
      } finally {
        for (const other of others) await other.close();
      }
    } finally {
      await empty.drop();
    }
  });
});

// One PGlite with TimescaleDB for the whole file: each instance takes seconds and about 1 GB.
describe('migrations and seed on embedded PGlite with TimescaleDB', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openEmbeddedDatabase(undefined);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('applies every migration, including the TimescaleDB one', async () => {
    expect(await applyMigrations(db.sql)).toEqual(await committedNames());
    expect(await applyMigrations(db.sql)).toEqual([]);
    expect(await db.hasTimescale()).toBe(true);
  });

  it('makes reading a hypertable on its time column with an hourly continuous aggregate', async () => {
    const { rows: hypertables } = await db.sql.query<{ hypertable_name: string; column_name: string }>(
      `SELECT h.hypertable_name, d.column_name
       FROM timescaledb_information.hypertables h
       JOIN timescaledb_information.dimensions d USING (hypertable_schema, hypertable_name)
       WHERE h.hypertable_schema = 'public'`,
    );
    expect(hypertables).toEqual([{ hypertable_name: 'reading', column_name: 'time' }]);

    const { rows: aggregates } = await db.sql.query<{ view_name: string; materialized_only: boolean }>(
      'SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates',
    );
    expect(aggregates).toEqual([{ view_name: 'reading_hourly', materialized_only: false }]);
  });

  it('records the same checksums as on the server', async () => {
    const rows = await migrationRows(db.sql);
    for (const row of rows) {
      const file = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    }
  });

  it('seeds reference and sample data idempotently', async () => {
    await seedReferenceData(db);
    await seedSampleData(db);
    const first = await rowCounts(db.sql);
    const { rows: streams } = await db.sql.query<{ id: number; thing_id: string; key: string }>(
      'SELECT id, thing_id, key FROM datastream ORDER BY id',
    );
    for (const table of SEEDED_TABLES) expect(first[table], table).toBeGreaterThan(0);

    await seedReferenceData(db);
    await seedSampleData(db);

    expect(await rowCounts(db.sql)).toEqual(first);
    // Ids stay put, so readings already stored keep pointing at the same datastreams.
    expect((await db.sql.query('SELECT id, thing_id, key FROM datastream ORDER BY id')).rows).toEqual(
      streams,
    );
  });

  it('hashes credentials only for sample accounts and devices that are missing', async () => {
    await seedSampleData(db);
    expect(await missingSampleCredentials(db.sql)).toEqual({ userEmails: [], thingIds: [] });

    // Moved out of the way rather than deleted: audit rows and readings keep their references.
    const thingId = SAMPLE_THINGS[0].id;
    await db.sql.query("UPDATE app_user SET email = 'moved-' || email WHERE email = 'bpbd@contoh.bisa.id'");
    await db.sql.query('UPDATE thing SET id = $2 WHERE id = $1', [thingId, `moved-${thingId}`]);
    expect(await missingSampleCredentials(db.sql)).toEqual({
      userEmails: ['bpbd@contoh.bisa.id'],
      thingIds: [thingId],
    });

    await seedSampleData(db);
    const { rows: users } = await db.sql.query<{ password_hash: string }>(
      "SELECT password_hash FROM app_user WHERE email = 'bpbd@contoh.bisa.id'",
    );
    const { rows: things } = await db.sql.query<{ credential_hash: string }>(
      'SELECT credential_hash FROM thing WHERE id = $1',
      [thingId],
    );
    expect(await verifySecret(sampleUserPassword('bpbd@contoh.bisa.id'), users[0]?.password_hash ?? '')).toBe(
      true,
    );
    expect(await verifySecret(sampleDeviceSecret(thingId), things[0]?.credential_hash ?? '')).toBe(true);
    expect(await missingSampleCredentials(db.sql)).toEqual({ userEmails: [], thingIds: [] });
  });

  it('keeps an operator edit of sample data across a re-seed', async () => {
    const { rows } = await db.sql.query<{ id: string }>(
      'SELECT id FROM thing WHERE is_sample ORDER BY id LIMIT 1',
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('no sample thing seeded');
    await db.sql.query("UPDATE thing SET name = 'Renamed by operator' WHERE id = $1", [id]);

    await seedSampleData(db);

    const after = await db.sql.query<{ name: string }>('SELECT name FROM thing WHERE id = $1', [id]);
    expect(after.rows).toEqual([{ name: 'Renamed by operator' }]);
  });
});
