#!/usr/bin/env node
import { connectServerDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData } from '@bisa/db/seed.ts';
import pino from 'pino';
import { ConfigError, ingestHelp, parseIngestConfig } from './config.ts';
import { createHealthServer } from './http.ts';
import { createIngestWorker } from './ingest-worker.ts';

// Composition root of the standalone ingest worker: wiring and signal handling only.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(ingestHelp());
  process.exit(0);
}

let config: ReturnType<typeof parseIngestConfig>;
try {
  config = parseIngestConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`bisa-ingest: ${error.message}\nRun with --help to see every variable.`);
  process.exit(2);
}

const logger = pino({ name: 'bisa-ingest', level: config.logLevel });
const database = connectServerDatabase(config.databaseUrl);
const worker = createIngestWorker({ database, mqtt: config.mqtt, logger });
const http = createHealthServer({ ...config.http, worker, database, logger });

let stopRequested = false;
async function stop(signal: string, exitCode: number): Promise<void> {
  // A second signal while stopping must not start a second shutdown.
  if (stopRequested) return;
  stopRequested = true;
  logger.info({ signal }, 'stopping');
  // Each part in its own try/catch so one failure does not keep the others open.
  try {
    await worker.stop();
  } catch (error) {
    logger.error({ err: error }, 'ingest worker stop failed');
  }
  try {
    await http.stop();
  } catch (error) {
    logger.error({ err: error }, 'health server stop failed');
  }
  try {
    await database.close();
  } catch (error) {
    logger.error({ err: error }, 'database close failed');
  }
  logger.info('stopped');
  process.exit(exitCode);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void stop(signal, 0));
}

try {
  const applied = await applyMigrations(database.sql);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  await seedReferenceData(database);
  await worker.start();
  const port = await http.start();
  logger.info({ host: config.http.host, port }, 'ingest ready; health at /healthz, /readyz, /metrics');
} catch (error) {
  logger.fatal({ err: error }, 'ingest failed to start');
  await stop('startup failure', 1);
}
