import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export type MigrationProgress = (event: { migration: string; status: 'applying' | 'applied' }) => void;

// Prisma's own bookkeeping table, created exactly as `prisma migrate deploy` creates it, so the
// native command can take over on machines that have its engine.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Advisory lock key held while migrating, so concurrent starts apply each migration once. */
const MIGRATION_LOCK = 7261845;

/** Reads prisma/migrations/<name>/migration.sql in name order (Prisma's folder format). */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies every migration not yet recorded, each in its own transaction, and records it in
 * `_prisma_migrations`. Refuses to run when an applied migration's file has changed or a
 * previous run failed half-way, because the database would no longer match the schema.
 * A transaction-scoped advisory lock lets several services start at once safely.
 */
export async function applyMigrations(
  sql: SqlClient,
  options: { dir?: string; onProgress?: MigrationProgress } = {},
): Promise<string[]> {
  const migrations = await loadMigrations(options.dir);
  // Under the same lock as the migrations: two services starting on an empty database would
  // otherwise both try to create the table and one would fail on PostgreSQL's catalog.
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(CREATE_MIGRATIONS_TABLE);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await tx.query<{ checksum: string; finished_at: Date | null }>(
        'SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL',
        [migration.name],
      );
      const existing = rows[0];
      if (existing) {
        if (existing.finished_at === null) {
          throw new Error(
            `migration ${migration.name} started earlier but never finished; inspect the database, then mark it rolled back in _prisma_migrations`,
          );
        }
        if (existing.checksum !== migration.checksum) {
          throw new Error(
            `migration ${migration.name} was changed after it was applied; add a new migration instead of editing an applied one`,
          );
        }
        return false;
      }
      options.onProgress?.({ migration: migration.name, status: 'applying' });
      await tx.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
        [randomUUID(), migration.checksum, migration.name],
      );
      await tx.exec(migration.sql);
      await tx.query(
        'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE migration_name = $1',
        [migration.name],
      );
      return true;
    });
    if (done) {
      applied.push(migration.name);
      options.onProgress?.({ migration: migration.name, status: 'applied' });
    }
  }
  return applied;
}
