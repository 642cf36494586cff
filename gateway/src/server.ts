#!/usr/bin/env node
import { connectServerDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { seedReferenceData } from '@bisa/db/seed.ts';
import { configOrExit } from '@bisa/service/environment.ts';
import { runUntilSignalled, stopInOrder } from '@bisa/service/lifecycle.ts';
import { boundPort, closeServer, listen } from '@bisa/service/listen.ts';
import pino from 'pino';
import { gatewayHelp, parseGatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createGatewayServer } from './http.ts';

// Composition root of the standalone gateway (production mode): wiring and signals only.
const config = configOrExit('bisa-gateway', parseGatewayConfig, gatewayHelp);
const logger = pino({ name: 'bisa-gateway', level: config.logLevel });
const database = connectServerDatabase(config.databaseUrl);
const gateway = createGateway({
  database,
  logger,
  graphiql: config.graphiql,
  introspection: config.introspection,
  limits: { executionTimeoutMs: config.executionTimeoutMs },
});
const http = createGatewayServer({ yoga: gateway.yoga, database, logger });

await runUntilSignalled({
  program: 'bisa-gateway',
  logger,
  async start() {
    const applied = await applyMigrations(database.sql);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    await seedReferenceData(database);
    await gateway.start();
    await listen(http, config.http.port, config.http.host, 'GATEWAY_PORT');
    logger.info(
      { url: `http://${config.http.host}:${boundPort(http)}/graphql` },
      'gateway ready; health at /healthz and /readyz',
    );
  },
  // Stop taking requests first, then end subscriptions, then release the database.
  stop: () =>
    stopInOrder(logger, [
      ['http server', () => closeServer(http)],
      ['gateway', () => gateway.stop()],
      ['database', () => database.close()],
    ]),
});
