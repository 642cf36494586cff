#!/usr/bin/env node
// Accounts command line (see --help): wiring only; the commands are in accounts-cli.ts.
import { connectServerDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData } from '@bisa/db/seed.ts';
import { runCommandLine } from '@bisa/service/command-line.ts';
import { ACCOUNTS_HELP, runAccountsCli } from './accounts-cli.ts';
import { parseAccountsConfig } from './config.ts';

await runCommandLine({
  program: 'accounts',
  help: ACCOUNTS_HELP,
  parseConfig: parseAccountsConfig,
  open: (config) => connectServerDatabase(config.databaseUrl, { maxConnections: 2 }),
  // The first administrator is made before any service has started on a new database: bring
  // it to the schema and the agencies the gateway would (both are idempotent).
  async prepare(database) {
    await applyMigrations(database.sql);
    await seedReferenceData(database);
  },
  run: runAccountsCli,
});
