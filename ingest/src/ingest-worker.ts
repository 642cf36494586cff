import type { Database } from '@bisa/db/database.ts';
import { notifyReadingsCommitted } from '@bisa/db/notifications.ts';
import type { Logger } from 'pino';
import { emptyMetrics, type IngestMetrics } from './metrics.ts';
import { createMqttSubscriber, type IncomingMessage, type MqttOptions } from './mqtt.ts';
import { decideMessage, type MessageDecision } from './readings-message.ts';
import { insertDeadLetter } from './repositories/dead-letters.ts';
import { insertReadings, upsertLatestReadings } from './repositories/readings.ts';
import {
  findThingStreams,
  markThingRejected,
  markThingSeen,
  type ThingStreams,
} from './repositories/things.ts';

export interface IngestWorkerDeps {
  database: Database;
  mqtt: MqttOptions;
  logger: Logger;
}

export interface IngestWorker {
  /** Connects to the broker and resolves once subscribed. Does not migrate the database. */
  start(): Promise<void>;
  /** Stops taking messages, lets the in-flight commit finish, disconnects keeping the session. */
  stop(): Promise<void>;
  metrics(): IngestMetrics;
}

/**
 * The ingest worker: every readings message becomes, in one transaction, either its readings
 * (plus latest values, device status and a committed-readings notification) or one dead letter;
 * only then is it acknowledged to the broker.
 */
export function createIngestWorker(deps: IngestWorkerDeps): IngestWorker {
  const { database } = deps;
  const log = deps.logger.child({ component: 'ingest' });
  const counts = emptyMetrics();
  // Devices rarely change; a miss (unknown device or metric) reloads, so new devices are seen at once.
  const things = new Map<string, ThingStreams>();

  async function lookupThing(thingId: string): Promise<ThingStreams | undefined> {
    const cached = things.get(thingId);
    if (cached) return cached;
    const loaded = await findThingStreams(database.sql, thingId);
    if (loaded) things.set(thingId, loaded);
    return loaded;
  }

  async function decide(message: IncomingMessage): Promise<MessageDecision> {
    const decision = await decideMessage(message.topic, message.payload, lookupThing);
    if (decision.kind === 'reject' && decision.reason === 'unknown_metric' && decision.deviceId) {
      // The cached device may predate a datastream added since: decide again on fresh data.
      things.delete(decision.deviceId);
      return decideMessage(message.topic, message.payload, lookupThing);
    }
    return decision;
  }

  async function commit(message: IncomingMessage, decision: MessageDecision): Promise<void> {
    if (decision.kind === 'store') {
      const inserted = await database.sql.transaction(async (tx) => {
        const rows = await insertReadings(tx, decision.rows);
        await upsertLatestReadings(tx, rows);
        await markThingSeen(tx, decision.thingId);
        await notifyReadingsCommitted(tx, rows);
        return rows.length;
      });
      counts.readingsCommitted += inserted;
      counts.readingsDuplicate += decision.rows.length - inserted;
      log.debug(
        { deviceId: decision.thingId, inserted, received: decision.rows.length },
        'readings committed',
      );
      return;
    }
    await database.sql.transaction(async (tx) => {
      await insertDeadLetter(tx, {
        topic: message.topic,
        clientId: decision.deviceId,
        payload: decision.payload,
        reason: decision.reason,
        detail: decision.detail,
      });
      if (decision.knownDevice && decision.deviceId) {
        await markThingRejected(tx, decision.deviceId, `${decision.reason}: ${decision.detail}`);
      }
    });
    counts.deadLettered[decision.reason] += 1;
    log.info(
      { topic: message.topic, deviceId: decision.deviceId, reason: decision.reason, detail: decision.detail },
      'message dead-lettered',
    );
  }

  const subscriber = createMqttSubscriber(
    deps.mqtt,
    async (message) => {
      try {
        await commit(message, await decide(message));
      } catch (error) {
        // Never acknowledged on failure: the subscriber retries, and the broker redelivers if we go away.
        counts.commitFailures += 1;
        // The retry decides again on fresh registry data, in case a cached datastream was removed.
        things.clear();
        throw error;
      }
    },
    deps.logger,
  );

  return {
    start: () => subscriber.start(),
    async stop() {
      try {
        await subscriber.stop();
      } catch (error) {
        log.error({ err: error }, 'MQTT disconnect failed');
      }
    },
    metrics() {
      const mqtt = subscriber.counters();
      return {
        ...counts,
        deadLettered: { ...counts.deadLettered },
        mqttConnected: mqtt.connected,
        mqttConnects: mqtt.connects,
        messagesReceived: mqtt.received,
        messagesAcknowledged: mqtt.acknowledged,
      };
    },
  };
}
