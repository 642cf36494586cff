import type { Database } from '@bisa/db/database.ts';
import {
  ALERT_EVENTS_CHANNEL,
  parseAlertEventNotice,
  parseReadingsCommitted,
  parseReportEvent,
  READINGS_COMMITTED_CHANNEL,
  REPORT_EVENTS_CHANNEL,
} from '@bisa/db/notifications.ts';
import type { Logger } from 'pino';
import type { GatewayServices } from './context.ts';
import { DEFAULT_LIMITS, type QueryLimits } from './limits.ts';
import { createGatewayPubSub, publishPerTurn, type ReadingEvent } from './pubsub.ts';
import { hasHourlyAggregate } from './repositories/readings.ts';
import { createGatewayYoga } from './yoga.ts';

export interface GatewayDeps {
  database: Database;
  logger: Logger;
  graphiql?: boolean;
  /** Who may introspect the schema (default: administrators only, as in production). */
  introspection?: 'everyone' | 'admins';
  /** Overrides of the default query limits. */
  limits?: Partial<QueryLimits>;
}

/**
 * The GraphQL gateway as a part with a lifecycle: `yoga` serves requests (as a Node request
 * listener or through `yoga.fetch`), `start()` connects to the database and begins relaying
 * committed readings from PostgreSQL LISTEN to subscribers, `stop()` undoes both. Used by the
 * standalone server (server.ts) and by the embedded hub.
 */
export function createGateway({
  database,
  logger,
  graphiql = true,
  introspection = 'admins',
  limits,
}: GatewayDeps) {
  const pubsub = createGatewayPubSub();
  const publishReadings = publishPerTurn<ReadingEvent>((readings) =>
    pubsub.publish('readingsCommitted', readings),
  );
  let context: GatewayServices | undefined;
  let unlisten: (() => Promise<void>)[] = [];

  const yoga = createGatewayYoga({
    logger,
    graphiql,
    introspection,
    limits: { ...DEFAULT_LIMITS, ...limits },
    services: () => {
      if (!context) throw new Error('the gateway is not started');
      return context;
    },
  });

  return {
    yoga,
    async start(): Promise<void> {
      const prisma = database.createPrisma();
      context = {
        prisma,
        sql: database.sql,
        pubsub,
        hasHourlyAggregate: await hasHourlyAggregate(database.sql),
      };
      unlisten = [
        await database.sql.listen(READINGS_COMMITTED_CHANNEL, (payload) => {
          const readings = parseReadingsCommitted(payload).map((reading) => ({
            datastreamId: reading.datastreamId,
            time: new Date(reading.time),
            value: reading.value,
          }));
          if (readings.length > 0) publishReadings(readings);
        }),
        await database.sql.listen(REPORT_EVENTS_CHANNEL, (payload) => {
          const event = parseReportEvent(payload);
          if (event) pubsub.publish('reportChanged', event);
        }),
        await database.sql.listen(ALERT_EVENTS_CHANNEL, (payload) => {
          const notice = parseAlertEventNotice(payload);
          if (notice) pubsub.publish('alertChanged', notice);
        }),
      ];
      logger.info({ hourlyAggregate: context.hasHourlyAggregate }, 'gateway started');
    },
    async stop(): Promise<void> {
      for (const stop of unlisten) await stop();
      unlisten = [];
      // Open subscriptions end here rather than hanging on a stopped relay.
      await yoga.dispose();
      await context?.prisma.$disconnect();
      context = undefined;
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
