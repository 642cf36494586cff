#!/usr/bin/env node
// Writes the next migration from the difference between prisma/migrations and prisma/schema.prisma.
// Usage: node scripts/new-migration.ts <name> [--empty]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkDrift } from '../src/drift.ts';
import { createMigration, MigrationRefusedError } from '../src/new-migration.ts';

const USAGE = `Usage: pnpm --filter @bisa/db migration:new <name> [--empty]

Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with the SQL that makes the
migrations produce prisma/schema.prisma (computed by Prisma's schema engine against a throw-away
database on TEST_DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres).

  <name>    lower-case words joined by _, saying what changes, e.g. add_thing_firmware_version
  --empty   write an empty migration for hand-written SQL (only when the schema already matches),
            e.g. TimescaleDB policies; guard TimescaleDB-only SQL as migrations/*_timescale does
  --help    show this help

Review the SQL before committing: renames come out as drop + add, which loses data.`;

let parsed: { values: { empty?: boolean; help?: boolean }; positionals: string[] };
try {
  parsed = parseArgs({
    options: { empty: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
} catch (error) {
  console.error(`migration:new: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [name, ...extra] = parsed.positionals;
if (name === undefined || extra.length > 0) {
  console.error(`migration:new: expected exactly one migration name\n\n${USAGE}`);
  process.exit(2);
}

try {
  const migration = await createMigration({ name, empty: parsed.values.empty ?? false });
  const shown = path.relative(process.cwd(), migration.file);
  console.log(`migration:new: wrote ${shown}\n`);
  if (migration.summary !== '') console.log(`${migration.summary}\n`);
  console.log(migration.sql);
  if (!parsed.values.empty) {
    // Round trip: the new migration applied to a fresh database must now match the schema.
    const report = await checkDrift();
    console.log(report.ok ? 'Verified: the migrations now produce schema.prisma.' : report.message);
    if (!report.ok) process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof MigrationRefusedError) {
    console.error(`migration:new: ${error.message}`);
    process.exit(1);
  }
  console.error(`migration:new: failed: ${(error as Error).message}`);
  process.exit(1);
}
