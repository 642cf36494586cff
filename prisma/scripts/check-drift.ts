#!/usr/bin/env node
// Fails when prisma/schema.prisma and prisma/migrations disagree.
// Usage: node scripts/check-drift.ts [--schema FILE] [--migrations DIR]
import { parseArgs } from 'node:util';
import { checkDrift } from '../src/drift.ts';

const USAGE = `Usage: pnpm --filter @bisa/db check:drift [--schema FILE] [--migrations DIR]

Applies every migration to a throw-away database on the PostgreSQL server of
TEST_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres; the user needs
CREATEDB) and compares the result with the Prisma schema using Prisma's schema engine.
Exits 0 when they agree, 1 when they differ (printing the difference), 2 on usage errors.`;

let values: { schema?: string; migrations?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      schema: { type: 'string' },
      migrations: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`check-drift: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

try {
  const report = await checkDrift({
    ...(values.schema === undefined ? {} : { schemaPath: values.schema }),
    ...(values.migrations === undefined ? {} : { migrationsDir: values.migrations }),
  });
  if (report.ok) {
    console.log(`check-drift: ${report.message}`);
  } else {
    console.error(`check-drift: ${report.message}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`check-drift: could not compare schema and migrations: ${(error as Error).message}`);
  process.exitCode = 1;
}
