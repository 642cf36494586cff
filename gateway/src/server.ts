#!/usr/bin/env node
import { connectServerDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData } from '@bisa/db/seed.ts';
import { boundPort, closeServer, listen } from '@bisa/service/listen.ts';
import pino from 'pino';
import { ConfigError, gatewayHelp, parseGatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createGatewayServer } from './http.ts';

// Composition root of the standalone gateway (production mode): wiring and signals only.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(gatewayHelp());
  process.exit(0);
}

let config: ReturnType<typeof parseGatewayConfig>;
try {
  config = parseGatewayConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`bisa-gateway: ${error.message}\nRun with --help to see every variable.`);
  process.exit(2);
}

const logger = pino({ name: 'bisa-gateway', level: config.logLevel });
const database = connectServerDatabase(config.databaseUrl);
const gateway = createGateway({ database, logger, graphiql: config.graphiql });
const http = createGatewayServer({ yoga: gateway.yoga, database, logger });

let stopRequested = false;
async function stop(signal: string, exitCode: number): Promise<void> {
  // A second signal while stopping must not start a second shutdown.
  if (stopRequested) return;
  stopRequested = true;
  logger.info({ signal }, 'stopping');
  // Stop taking requests first, then end subscriptions, then release the database.
  const steps: [string, () => Promise<void>][] = [
    ['http server', () => closeServer(http)],
    ['gateway', () => gateway.stop()],
    ['database', () => database.close()],
  ];
  for (const [part, step] of steps) {
    try {
      await step();
    } catch (error) {
      logger.error({ err: error, part }, 'stop failed');
    }
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
  await gateway.start();
  await listen(http, config.http.port, config.http.host, 'GATEWAY_PORT');
  logger.info(
    { url: `http://${config.http.host}:${boundPort(http)}/graphql` },
    'gateway ready; health at /healthz and /readyz',
  );
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  await stop('startup failure', 1);
}
