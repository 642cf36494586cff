import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import type { SqlClient } from '@bisa/db/sql-client.ts';
import type { GatewayPubSub } from './pubsub.ts';

/** What every resolver may use; built once per gateway, shared by all requests (no per-request state). */
export interface GatewayContext {
  prisma: PrismaClient;
  sql: SqlClient;
  pubsub: GatewayPubSub;
  /** Whether `reading_hourly` (a TimescaleDB continuous aggregate) exists in this database. */
  hasHourlyAggregate: boolean;
}
