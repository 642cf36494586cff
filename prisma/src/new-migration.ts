import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DiffOptions, diffMigrationsToSchema } from './drift.ts';
import { MIGRATIONS_DIR } from './migrate.ts';

/** Lower-case words joined by `_`, like Prisma's own names: `add_thing_firmware`. */
export const MIGRATION_NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 100;

/** A refusal the user can fix (bad name, nothing to migrate, clock behind the last migration). */
export class MigrationRefusedError extends Error {
  override name = 'MigrationRefusedError';
}

export function validateMigrationName(name: string): void {
  if (!MIGRATION_NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new MigrationRefusedError(
      `invalid migration name "${name}": use 1-${MAX_NAME_LENGTH} lower-case letters, digits and single underscores, ` +
        'starting with a letter and saying what changes, e.g. add_thing_firmware_version',
    );
  }
}

/** Prisma's folder prefix: the UTC time as YYYYMMDDHHMMSS. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

export interface NewMigrationOptions extends DiffOptions {
  name: string;
  /** Write a migration with only a comment header, for hand-written SQL (the diff must be empty). */
  empty?: boolean;
  /** For tests: the time the folder is named after. */
  now?: Date;
}

export interface NewMigration {
  directory: string;
  file: string;
  summary: string;
  sql: string;
}

/**
 * Writes migrations/<timestamp>_<name>/migration.sql with the SQL that makes the migrations match
 * schema.prisma, as computed by Prisma's schema engine. Refuses when there is nothing to write, so
 * an empty folder is never created by accident.
 */
export async function createMigration(options: NewMigrationOptions): Promise<NewMigration> {
  validateMigrationName(options.name);
  const migrationsDir = path.resolve(options.migrationsDir ?? MIGRATIONS_DIR);
  const existing = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const folder = `${migrationTimestamp(options.now ?? new Date())}_${options.name}`;
  const last = existing.at(-1);
  if (last !== undefined && folder <= last) {
    throw new MigrationRefusedError(
      `the new migration ${folder} would sort before or equal to the latest one, ${last}, so it would run ` +
        "out of order; check the machine's clock",
    );
  }
  if (existing.some((name) => name.slice(15) === options.name)) {
    throw new MigrationRefusedError(
      `a migration named "${options.name}" already exists; choose another name`,
    );
  }

  const diff = await diffMigrationsToSchema({ ...options, migrationsDir });
  let sql: string;
  if (options.empty) {
    if (!diff.empty) {
      throw new MigrationRefusedError(
        `--empty refused: schema.prisma and the migrations differ, so the migration must contain this SQL:\n${diff.script}` +
          'Run without --empty first, then add the hand-written migration.',
      );
    }
    sql = `-- Hand-written migration "${options.name}": write its SQL below.\n`;
  } else {
    if (diff.empty) {
      throw new MigrationRefusedError(
        'nothing to migrate: the migrations already produce schema.prisma. Change schema.prisma first ' +
          '(or pass --empty for a hand-written migration).',
      );
    }
    sql = diff.script;
  }

  const directory = path.join(migrationsDir, folder);
  // `wx` and a fresh directory: never overwrite a migration that might already be applied somewhere.
  await mkdir(directory);
  const file = path.join(directory, 'migration.sql');
  await writeFile(file, sql, { flag: 'wx' });
  return { directory, file, summary: diff.summary, sql };
}
