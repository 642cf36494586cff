import { MIGRATIONS_DIR } from './migrate.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import { seedReferenceData, seedSampleData } from './seed.ts';
import type { SqlQueryable } from './sql-client.ts';

export type TestDatabase = ScratchDatabase;

/**
 * Creates a fresh database on the real PostgreSQL server, migrated and seeded with reference
 * and sample data, so each test file runs isolated. `drop()` closes and removes it. `adminUrl`
 * names another server (e.g. a private one a fault test crashes); default the machine's.
 */
export async function createTestDatabase(
  options: { seedSample?: boolean; adminUrl?: string } = {},
): Promise<TestDatabase> {
  const scratch = await createScratchDatabase({
    ...(options.adminUrl === undefined ? {} : { adminUrl: options.adminUrl }),
    prefix: 'bisa_test',
    migrationsDir: MIGRATIONS_DIR,
    maxConnections: 10,
  });
  try {
    await seedReferenceData(scratch.database);
    if (options.seedSample ?? true) await seedSampleData(scratch.database);
  } catch (error) {
    await scratch.drop();
    throw error;
  }
  return scratch;
}

/** The id of a sample device's datastream, by the device and the datastream's key. */
export async function datastreamIdOf(sql: SqlQueryable, thingId: string, key: string): Promise<number> {
  const { rows } = await sql.query<{ id: number }>(
    'SELECT id FROM datastream WHERE thing_id = $1 AND key = $2',
    [thingId, key],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`no datastream ${thingId}/${key} in the sample data`);
  return id;
}

/** Every value stored for a device, in ascending order (tests that publish distinct values). */
export async function storedValues(sql: SqlQueryable, thingId: string): Promise<number[]> {
  const { rows } = await sql.query<{ value: number }>(
    'SELECT r.value FROM reading r JOIN datastream d ON d.id = r.datastream_id WHERE d.thing_id = $1 ORDER BY r.value',
    [thingId],
  );
  return rows.map((r) => r.value);
}
