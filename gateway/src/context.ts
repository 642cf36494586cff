import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import type { SqlClient } from '@bisa/db/sql-client.ts';
import type { Viewer } from './auth/viewer.ts';
import type { GatewayPubSub } from './pubsub.ts';

/** What the gateway holds for its lifetime and every request shares. */
export interface GatewayServices {
  prisma: PrismaClient;
  sql: SqlClient;
  pubsub: GatewayPubSub;
  /** Whether `reading_hourly` (a TimescaleDB continuous aggregate) exists in this database. */
  hasHourlyAggregate: boolean;
}

/** What a resolver sees: the shared services plus who is asking. */
export interface GatewayContext extends GatewayServices {
  request: Request;
  viewer: Viewer | null;
  /** Adds a Set-Cookie header to this request's response (sign-in, sign-out). */
  setCookie(value: string): void;
}
