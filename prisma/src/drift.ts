import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';
import { MIGRATIONS_DIR } from './migrate.ts';
import { diffDatabaseToSchema, type SchemaDiff } from './schema-engine.ts';
import { createScratchDatabase } from './scratch-database.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema.prisma', import.meta.url));

export const NEW_MIGRATION_COMMAND = 'pnpm --filter @bisa/db migration:new <name>';

export interface DiffOptions {
  /** Prisma schema to compare with (default prisma/schema.prisma). */
  schemaPath?: string;
  /** Migrations folder to apply (default prisma/migrations). */
  migrationsDir?: string;
  /** Server on which the throw-away database is created (default TEST_DATABASE_ADMIN_URL or local). */
  adminUrl?: string;
}

/**
 * What a new migration would have to do so that the migrations produce `schema.prisma`: applies
 * every migration to a fresh throw-away database with the project's own runner (so guarded
 * DO blocks run as in production) and diffs that database against the schema.
 */
export async function diffMigrationsToSchema(options: DiffOptions = {}): Promise<SchemaDiff> {
  const schemaPath = path.resolve(options.schemaPath ?? SCHEMA_PATH);
  const schemaText = await readFile(schemaPath, 'utf8');
  const scratch = await createScratchDatabase({
    migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR,
    prefix: 'bisa_drift',
    ...(options.adminUrl === undefined ? {} : { adminUrl: options.adminUrl }),
  });
  try {
    await dropTimescaleOnlyObjects(scratch.database);
    return await diffDatabaseToSchema({ databaseUrl: scratch.url, schemaPath, schemaText });
  } finally {
    await scratch.drop();
  }
}

/**
 * On a TimescaleDB server, create_hypertable adds an index on the time column ("reading_time_idx")
 * that schema.prisma does not declare; the diff would ask to drop it. The continuous aggregate is a
 * view, which the diff ignores. So only those default indexes are removed from the throw-away copy
 * before it is described. (A `@@index([time])` in the schema would share the name and so be
 * reported as missing here; declare such an index under another name with `map:`.)
 */
async function dropTimescaleOnlyObjects(database: Database): Promise<void> {
  if (!(await database.hasTimescale())) return;
  const { rows } = await database.sql.query<{ index: string }>(
    `SELECT format('%I.%I', hypertable_schema, hypertable_name || '_' || column_name || '_idx') AS index
     FROM timescaledb_information.dimensions WHERE hypertable_schema = current_schema()`,
  );
  for (const row of rows) await database.sql.exec(`DROP INDEX IF EXISTS ${row.index}`);
}

export interface DriftReport {
  ok: boolean;
  /** One paragraph for a terminal or a test failure: what differs and what to do. */
  message: string;
  diff: SchemaDiff;
}

/** Compares schema.prisma with what the migrations build; `ok` is false when they disagree. */
export async function checkDrift(options: DiffOptions = {}): Promise<DriftReport> {
  const diff = await diffMigrationsToSchema(options);
  const schema = displayPath(options.schemaPath ?? SCHEMA_PATH);
  const migrations = displayPath(options.migrationsDir ?? MIGRATIONS_DIR);
  if (diff.empty) {
    return { ok: true, message: `${schema} and the migrations in ${migrations} agree.`, diff };
  }
  const message = [
    `Drift: ${schema} and the migrations in ${migrations} disagree.`,
    'A database built by applying every migration differs from the schema as follows:',
    '',
    indent(diff.summary),
    '',
    'A migration making them agree would run:',
    '',
    indent(diff.script.trim()),
    '',
    `If the schema change is intended, write a migration with \`${NEW_MIGRATION_COMMAND}\``,
    '(it writes exactly this SQL into a new migration folder; review it before committing).',
    'If a migration was edited or the schema changed by mistake, undo that change instead.',
  ].join('\n');
  return { ok: false, message, diff };
}

const REPO_ROOT = path.resolve(path.dirname(SCHEMA_PATH), '..');

/** Paths inside the repository relative to its root (prisma/schema.prisma), others absolute. */
function displayPath(file: string): string {
  const relative = path.relative(REPO_ROOT, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `    ${line}`))
    .join('\n');
}
