import { randomBytes } from 'node:crypto';
import { connectServerDatabase, type Database } from './database.ts';
import { applyMigrations } from './migrate.ts';
import { seedReferenceData, seedSampleData } from './seed.ts';

/** Where integration tests create their throw-away databases (the machine's PostgreSQL 15). */
export const TEST_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: Database;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the real PostgreSQL server, migrated and seeded with reference
 * and sample data, so each test file runs isolated. `drop()` closes and removes it.
 */
export async function createTestDatabase(options: { seedSample?: boolean } = {}): Promise<TestDatabase> {
  const name = `bisa_test_${randomBytes(6).toString('hex')}`;
  const admin = connectServerDatabase(TEST_ADMIN_URL, { maxConnections: 1 });
  try {
    await admin.sql.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(TEST_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = connectServerDatabase(url.toString());
  await applyMigrations(database.sql);
  await seedReferenceData(database);
  if (options.seedSample ?? true) await seedSampleData(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const cleanup = connectServerDatabase(TEST_ADMIN_URL, { maxConnections: 1 });
      try {
        await cleanup.sql.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.close();
      }
    },
  };
}
