#!/usr/bin/env node
// Test helper: the alert evaluator alone in a child process, so a test can kill it with SIGKILL
// in the middle of a stream. Its batches are small (5 readings per transaction) so that a kill
// lands between many committed batches, and inside one.
import { connectServerDatabase } from '@bisa/db/database.ts';
import { configOrExit } from '@bisa/service/environment.ts';
import pino from 'pino';
import { parseDevicesConfig } from '../../config.ts';
import { createAlertEvaluator } from '../evaluator.ts';

const { databaseUrl } = configOrExit('evaluator-process', parseDevicesConfig, () => 'needs DATABASE_URL');
const evaluator = createAlertEvaluator({
  database: connectServerDatabase(databaseUrl, { maxConnections: 2 }),
  logger: pino({ level: 'info' }),
  batchSize: 5,
  pollMs: 50,
});
await evaluator.start();
