#!/usr/bin/env node
import { connectServerDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData } from '@bisa/db/seed.ts';
import { configOrExit } from '@bisa/service/environment.ts';
import { runUntilSignalled, stopInOrder } from '@bisa/service/lifecycle.ts';
import pino from 'pino';
import { createAlertEvaluator } from './alerts/evaluator.ts';
import { createWebhookSender } from './alerts/webhook-sender.ts';
import { ingestHelp, parseIngestConfig } from './config.ts';
import { createHealthServer } from './http.ts';
import { createIngestWorker } from './ingest-worker.ts';

// Composition root of the standalone ingest worker: wiring and signal handling only.
const config = configOrExit('bisa-ingest', parseIngestConfig, ingestHelp);
const logger = pino({ name: 'bisa-ingest', level: config.logLevel });
const database = connectServerDatabase(config.databaseUrl);
const worker = createIngestWorker({
  database,
  mqtt: config.mqtt,
  connections: config.connections,
  concurrentCommits: config.concurrentCommits,
  ...(config.shareGroup === undefined ? {} : { shareGroup: config.shareGroup }),
  logger,
});
const evaluator = config.alerts
  ? createAlertEvaluator({ database, logger, dailySummary: config.alertSummary })
  : undefined;
const webhooks = config.alerts ? createWebhookSender({ database, logger }) : undefined;
const http = createHealthServer({ ...config.http, worker, database, logger });

await runUntilSignalled({
  program: 'bisa-ingest',
  logger,
  async start() {
    const applied = await applyMigrations(database.sql);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    await seedReferenceData(database);
    await worker.start();
    await evaluator?.start();
    await webhooks?.start();
    const port = await http.start();
    logger.info({ host: config.http.host, port }, 'ingest ready; health at /healthz, /readyz, /metrics');
  },
  // The worker first: it stops taking messages and finishes the commits in flight before the database goes.
  // The evaluator's batch in hand commits or rolls back as a whole; the next start resumes after it.
  stop: () =>
    stopInOrder(logger, [
      ['ingest worker', () => worker.stop()],
      ['alert evaluator', evaluator && (() => evaluator.stop())],
      ['alert webhooks', webhooks && (() => webhooks.stop())],
      ['health server', () => http.stop()],
      ['database', () => database.close()],
    ]),
});
