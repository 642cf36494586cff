import { randomBytes } from 'node:crypto';
import { connectServerDatabase, type Database } from './database.ts';
import { applyMigrations } from './migrate.ts';

/** The PostgreSQL server where tests and the drift check create throw-away databases. */
export const TEST_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  database: Database;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty, throw-away database next to `adminUrl`'s (the machine's PostgreSQL by default)
 * and applies the migrations in `migrationsDir`, when given. Nothing is seeded. `drop()` closes
 * and removes it, also when the caller's work failed.
 */
export async function createScratchDatabase(
  options: { adminUrl?: string; migrationsDir?: string; prefix?: string; maxConnections?: number } = {},
): Promise<ScratchDatabase> {
  const adminUrl = options.adminUrl ?? TEST_ADMIN_URL;
  // Generated, so safe to splice into CREATE/DROP DATABASE, which take no parameters.
  const name = `${options.prefix ?? 'bisa_scratch'}_${randomBytes(6).toString('hex')}`;
  const admin = connectServerDatabase(adminUrl, { maxConnections: 1 });
  try {
    await admin.sql.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = connectServerDatabase(url.toString(), { maxConnections: options.maxConnections ?? 2 });
  const drop = async () => {
    await database.close();
    const cleanup = connectServerDatabase(adminUrl, { maxConnections: 1 });
    try {
      await cleanup.sql.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await cleanup.close();
    }
  };
  if (options.migrationsDir !== undefined) {
    try {
      await applyMigrations(database.sql, { dir: options.migrationsDir });
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { database, url: url.toString(), drop };
}
