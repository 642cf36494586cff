import { READINGS_SUBSCRIPTION, STATUS_SUBSCRIPTION, sharedSubscription } from '@bisa/contract/topics.ts';
import type { Database } from '@bisa/db/database.ts';
import type { Logger } from 'pino';
import { createIngestPipeline } from './ingest-pipeline.ts';
import type { IngestMetrics } from './metrics.ts';
import { createMqttSubscriber, type IncomingMessage, type MqttOptions, type MqttSubscriber } from './mqtt.ts';

export interface IngestWorkerDeps {
  database: Database;
  mqtt: Omit<MqttOptions, 'subscriptions'>;
  /**
   * MQTT connections, each with up to RECEIVE_MAXIMUM (512) messages in flight, all feeding one
   * group commit: one is enough for most loads. More than one needs `shareGroup`.
   */
  connections?: number;
  /** MQTT 5 shared-subscription group for readings, so connections and processes share the load. */
  shareGroup?: string;
  /** Batches committed at the same time, each on its own pooled connection (default 1). */
  concurrentCommits?: number;
  /**
   * Called as a connection hands each message over, before it is validated or queued: lets
   * bench/ingest-throughput.ts time the stages of a message (broker to ingest, queued, commit).
   * It runs inside the delivery: a throw counts as a failed commit, and the message is retried.
   */
  onReceived?: (message: IncomingMessage) => void;
  logger: Logger;
}

export interface IngestWorker {
  /** Connects to the broker and resolves once subscribed. Does not migrate the database. */
  start(): Promise<void>;
  /** Stops taking messages, lets the in-flight commits finish, disconnects keeping the sessions. */
  stop(): Promise<void>;
  metrics(): IngestMetrics;
}

/**
 * The ingest worker: MQTT connections feeding one validation and group-commit pipeline. Every
 * message becomes, in a committed transaction, its readings (plus latest values, device status
 * and a committed-readings notification), a device status, or one dead letter; only then is it
 * acknowledged to the broker.
 */
export function createIngestWorker(deps: IngestWorkerDeps): IngestWorker {
  const connections = deps.connections ?? 1;
  const { shareGroup } = deps;
  if (!Number.isInteger(connections) || connections < 1) {
    throw new Error(`ingest connections must be a whole number >= 1, not ${connections}`);
  }
  if (shareGroup !== undefined && (deps.mqtt.protocolVersion ?? 5) !== 5) {
    throw new Error(
      'shared subscriptions (several ingest connections or workers) need MQTT 5; the broker speaks MQTT 3.1.1 only (the embedded aedes broker does): use one connection without a share group',
    );
  }
  if (connections > 1 && shareGroup === undefined) {
    throw new Error(
      `${connections} ingest connections without a shared-subscription group would each receive every message; set a share group`,
    );
  }
  const pipeline = createIngestPipeline({
    database: deps.database,
    logger: deps.logger,
    ...(deps.concurrentCommits === undefined ? {} : { maxConcurrentCommits: deps.concurrentCommits }),
  });
  const readings =
    shareGroup === undefined ? READINGS_SUBSCRIPTION : sharedSubscription(shareGroup, READINGS_SUBSCRIPTION);
  const subscribers: MqttSubscriber[] = Array.from({ length: connections }, (_, i) =>
    createMqttSubscriber(
      {
        ...deps.mqtt,
        // Connection 0 keeps the configured identity; the others get their own, because a broker
        // that ties client ids to user names (Mosquitto's use_username_as_clientid) allows one
        // connection per user.
        clientId: i === 0 ? deps.mqtt.clientId : `${deps.mqtt.clientId}-${i}`,
        ...(deps.mqtt.username === undefined || i === 0 ? {} : { username: `${deps.mqtt.username}_${i}` }),
        // Status is retained, and a broker sends retained messages to plain subscriptions only,
        // so one connection subscribes to it without sharing; each status is idempotent anyway.
        subscriptions: i === 0 ? [readings, STATUS_SUBSCRIPTION] : [readings],
      },
      (message) => {
        deps.onReceived?.(message);
        return pipeline.handle(message);
      },
      deps.logger.child({ connection: i }),
    ),
  );
  const log = deps.logger.child({ component: 'ingest' });

  return {
    async start() {
      await Promise.all(subscribers.map((s) => s.start()));
    },
    async stop() {
      await Promise.all(
        subscribers.map((s) =>
          s.stop().catch((error: unknown) => log.error({ err: error }, 'MQTT disconnect failed')),
        ),
      );
    },
    metrics() {
      const mqtt = subscribers.map((s) => s.counters());
      const sum = (pick: (c: (typeof mqtt)[number]) => number) => mqtt.reduce((n, c) => n + pick(c), 0);
      return {
        ...pipeline.metrics(),
        mqttConnected: mqtt.every((c) => c.connected),
        mqttConnects: sum((c) => c.connects),
        messagesReceived: sum((c) => c.received),
        messagesRedelivered: sum((c) => c.redelivered),
        messagesAcknowledged: sum((c) => c.acknowledged),
      };
    },
  };
}
