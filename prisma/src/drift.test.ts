import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, SCHEMA_PATH } from './drift.ts';
import { MIGRATIONS_DIR } from './migrate.ts';
import { createMigration, MigrationRefusedError, migrationTimestamp } from './new-migration.ts';

// Runs against the machine's PostgreSQL (TEST_DATABASE_ADMIN_URL): each check applies the
// migrations to its own throw-away database and asks Prisma's schema engine for the difference.

const THING_LAST_ERROR = '  lastError      String?      @map("last_error")\n';

/** schema.prisma with one extra nullable column on `thing`, as a developer would add it. */
async function schemaWithNewField(): Promise<string> {
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  if (!schema.includes(THING_LAST_ERROR)) throw new Error('schema.prisma changed: update this test');
  return schema.replace(
    THING_LAST_ERROR,
    `${THING_LAST_ERROR}  firmwareVersion String?     @map("firmware_version")\n`,
  );
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bisa-drift-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('drift check', () => {
  it('passes: the committed migrations produce schema.prisma', async () => {
    const report = await checkDrift();
    // The message carries the difference, so a failure here says which migration to write.
    expect(report.ok, report.message).toBe(true);
    expect(report.diff.empty).toBe(true);
  });

  it('fails on a field added to the schema without a migration, naming it and the fix', async () => {
    const schemaPath = path.join(work, 'added-field.prisma');
    await writeFile(schemaPath, await schemaWithNewField());

    const report = await checkDrift({ schemaPath });

    expect(report.ok).toBe(false);
    expect(report.diff.summary).toContain('Changed the `thing` table');
    expect(report.message).toContain('Added column `firmware_version`');
    expect(report.message).toContain('ALTER TABLE "thing" ADD COLUMN');
    expect(report.message).toContain('pnpm --filter @bisa/db migration:new <name>');
  });

  it('fails when a migration builds something the schema does not have', async () => {
    const migrationsDir = path.join(work, 'extra-migration');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await mkdir(path.join(migrationsDir, '20261128000200_stray_index'));
    await writeFile(
      path.join(migrationsDir, '20261128000200_stray_index', 'migration.sql'),
      'CREATE INDEX "thing_name_idx" ON "thing"("name");\n',
    );

    const report = await checkDrift({ migrationsDir });

    expect(report.ok).toBe(false);
    expect(report.message).toContain('DROP INDEX "thing_name_idx"');
  });
});

describe('migration:new', () => {
  it('writes the diff as the next migration, after which the drift check passes', async () => {
    const migrationsDir = path.join(work, 'new-migration');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const schemaPath = path.join(work, 'new-migration.prisma');
    await writeFile(schemaPath, await schemaWithNewField());
    const now = new Date('2027-01-02T03:04:05Z');

    const migration = await createMigration({ name: 'add_thing_firmware', schemaPath, migrationsDir, now });

    expect(path.basename(migration.directory)).toBe('20270102030405_add_thing_firmware');
    const sql = await readFile(migration.file, 'utf8');
    expect(sql).toBe(migration.sql);
    expect(sql).toContain('ALTER TABLE "thing" ADD COLUMN');
    expect(sql).toContain('"firmware_version" TEXT');
    expect((await checkDrift({ schemaPath, migrationsDir })).ok).toBe(true);
  });

  it('refuses an empty diff and writes nothing', async () => {
    const migrationsDir = path.join(work, 'empty-diff');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const before = await readdir(migrationsDir);

    await expect(createMigration({ name: 'nothing_changed', migrationsDir })).rejects.toThrow(
      /nothing to migrate/,
    );
    expect(await readdir(migrationsDir)).toEqual(before);
  });

  it('writes an empty migration for hand-written SQL only when asked with --empty', async () => {
    const migrationsDir = path.join(work, 'hand-written');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });

    const migration = await createMigration({ name: 'retention_policy', migrationsDir, empty: true });

    expect(await readFile(migration.file, 'utf8')).toMatch(/^-- Hand-written migration "retention_policy"/);
  });

  it.each([
    ['Add-Field'],
    ['add field'],
    ['1_starts_with_digit'],
    ['double__underscore'],
    ['../escape'],
    [''],
    ['x'.repeat(101)],
  ])('refuses the bad name %j before touching anything', async (name) => {
    await expect(createMigration({ name, migrationsDir: path.join(work, 'does-not-exist') })).rejects.toThrow(
      MigrationRefusedError,
    );
  });

  it('refuses a name already used and a clock behind the latest migration', async () => {
    const migrationsDir = path.join(work, 'ordering');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });

    await expect(createMigration({ name: 'timescale', migrationsDir })).rejects.toThrow(/already exists/);
    await expect(
      createMigration({ name: 'too_early', migrationsDir, now: new Date('2020-01-01T00:00:00Z') }),
    ).rejects.toThrow(/out of order/);
  });

  it('names folders with the UTC time', () => {
    expect(migrationTimestamp(new Date('2026-11-28T23:59:58.999+08:00'))).toBe('20261128155958');
  });
});
