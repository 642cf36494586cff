import { setMaxListeners } from 'node:events';
import type { ReportEvent } from '@bisa/db/notifications.ts';
import { createPubSub } from 'graphql-yoga';

/** A committed reading as the API serves it. */
export interface ReadingEvent {
  datastreamId: number;
  time: Date;
  value: number;
}

/**
 * Every live topic of the gateway, typed. Events enter from PostgreSQL LISTEN (see gateway.ts),
 * so each replica receives every commit; scaling out needs no other event transport.
 */
export function createGatewayPubSub() {
  const eventTarget = new EventTarget();
  // One listener per open subscription: a control room has far more than Node's default of 10,
  // which would log a memory-leak warning for every subscriber beyond it.
  setMaxListeners(0, eventTarget);
  return createPubSub<{
    readingsCommitted: [readings: ReadingEvent[]];
    reportChanged: [event: ReportEvent];
  }>({ eventTarget });
}

export type GatewayPubSub = ReturnType<typeof createGatewayPubSub>;
