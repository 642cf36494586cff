import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface MqttOptions {
  url: string;
  /** Topic filters to subscribe at QoS 1, e.g. bisa/v1/+/readings or $share/<group>/bisa/v1/+/readings. */
  subscriptions: readonly string[];
  username?: string;
  password?: string;
  /** Stable across restarts: the broker keeps this client's session and queues messages for it. */
  clientId: string;
  /** 5 (default) for Mosquitto; 4 (MQTT 3.1.1) for the embedded aedes broker, which speaks only 3.1.1. */
  protocolVersion?: 4 | 5;
  /** MQTT 5 only: how long the broker keeps the session while ingest is away (default 7 days). */
  sessionExpirySeconds?: number;
  /**
   * Keep-alive interval (default 60). While a commit is retried the PINGRESP is not read, so after
   * about 1.5 times this the connection is dropped, the retry ends and the broker redelivers later.
   */
  keepaliveSeconds?: number;
}

export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  /** The broker sent it before without getting an acknowledgement (DUP flag). */
  redelivered: boolean;
}

/**
 * Handles one message; resolving means it is durably committed and may be acknowledged.
 * Rejecting means it is not: the subscriber retries it with backoff on the same connection.
 */
export type DurableMessageHandler = (message: IncomingMessage) => Promise<void>;

export interface MqttCounters {
  connected: boolean;
  connects: number;
  received: number;
  redelivered: number;
  acknowledged: number;
}

export interface MqttSubscriber {
  /** Connects and resolves once the subscriptions are in place. */
  start(): Promise<void>;
  /** Stops taking messages, lets the in-flight one finish, then disconnects keeping the session. */
  stop(): Promise<void>;
  counters(): MqttCounters;
}

interface Link {
  closed: boolean;
  retry: AbortController;
}

const SEVEN_DAYS = 7 * 24 * 3600;
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 30_000;
// CONNACK codes that reconnecting will not fix: bad protocol version, client id or credentials,
// not authorised, banned (MQTT 3.1.1 codes 1, 2, 4, 5 and their MQTT 5 equivalents).
const PERMANENT_CONNACK = new Set([1, 2, 4, 5, 0x84, 0x85, 0x86, 0x87, 0x8a, 0x8c]);

/**
 * The one owner of the mqtt.js client (after zigbee2mqtt lib/mqtt.ts). Subscribes QoS 1 to every
 * device's readings on a persistent session and acknowledges a message only after the handler has
 * committed it: mqtt.js sends PUBACK when the `handleMessage` callback is called, and processes a
 * connection's packets one at a time, so while a commit is retried nothing else is taken in and the
 * broker holds the rest. If the connection drops meanwhile (the keep-alive ping is not read while
 * blocked), the retry stops and the broker redelivers the message on the resumed session.
 */
export function createMqttSubscriber(
  options: MqttOptions,
  handler: DurableMessageHandler,
  logger: Logger,
): MqttSubscriber {
  const log = logger.child({ component: 'mqtt' });
  const counters: MqttCounters = {
    connected: false,
    connects: 0,
    received: 0,
    redelivered: 0,
    acknowledged: 0,
  };
  let client: MqttClient | undefined;
  let stopping = false;
  /** The network connection in use; its `retry` ends when it closes or stop() begins. */
  let link: Link = { closed: false, retry: new AbortController() };
  let inFlight: Promise<void> = Promise.resolve();

  async function deliver(packet: IPublishPacket, signal: AbortSignal): Promise<boolean> {
    const message: IncomingMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      redelivered: packet.dup,
    };
    for (let attempt = 0; ; attempt += 1) {
      try {
        await handler(message);
        return true;
      } catch (error) {
        if (signal.aborted) return false;
        const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
        log.warn(
          { err: error, topic: packet.topic, attempt: attempt + 1, retryInMs: Math.round(delay) },
          'commit failed; message kept unacknowledged, retrying',
        );
        if (!(await sleep(delay, signal))) return false;
      }
    }
  }

  function handleMessage(packet: IPublishPacket, done: (error?: Error) => void): void {
    if (stopping) {
      // Not acknowledged: the broker keeps it in the session for the next start.
      done(new Error('ingest is stopping'));
      return;
    }
    counters.received += 1;
    if (packet.dup) counters.redelivered += 1;
    const delivery = link;
    inFlight = deliver(packet, delivery.retry.signal).then((committed) => {
      // A PUBACK is only valid on the connection that delivered the message: mqtt.js would queue
      // it for the next connection, where the broker may have reused the packet id for another,
      // uncommitted message. The broker redelivers this one instead, and storing it again is a no-op.
      if (committed && !delivery.closed) {
        counters.acknowledged += 1;
        done();
      } else {
        done(new Error('not acknowledged: connection closed or ingest stopping; the broker will redeliver'));
      }
    });
  }

  async function subscribe(c: MqttClient): Promise<void> {
    const granted = await c.subscribeAsync([...options.subscriptions], { qos: 1 });
    const refused = granted.filter((g) => g.qos !== 1);
    if (refused.length > 0) {
      throw new Error(
        `broker refused subscription ${refused.map((g) => `${g.topic} (granted ${g.qos})`).join(', ')} at QoS 1; allow the ingest user to read bisa/v1/+/readings and bisa/v1/+/status`,
      );
    }
  }

  return {
    start() {
      if (client) return Promise.reject(new Error('the MQTT subscriber is already started'));
      stopping = false;
      const protocolVersion = options.protocolVersion ?? 5;
      const clientOptions: IClientOptions = {
        clientId: options.clientId,
        clean: false,
        protocolVersion,
        // Subscriptions are renewed below on every connect whose session was lost.
        resubscribe: false,
        reconnectPeriod: 1000,
        keepalive: options.keepaliveSeconds ?? 60,
        connectTimeout: 10_000,
        ...(options.username === undefined ? {} : { username: options.username }),
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(protocolVersion === 5
          ? { properties: { sessionExpiryInterval: options.sessionExpirySeconds ?? SEVEN_DAYS } }
          : {}),
      };
      const c = mqtt.connect(options.url, clientOptions);
      client = c;
      c.handleMessage = handleMessage;
      return new Promise<void>((resolve, reject) => {
        let started = false;
        c.on('connect', (connack: IConnackPacket) => {
          counters.connects += 1;
          link = { closed: false, retry: new AbortController() };
          const renew = connack.sessionPresent ? Promise.resolve() : subscribe(c);
          renew.then(
            () => {
              counters.connected = true;
              log.info(
                { url: options.url, clientId: options.clientId, sessionPresent: connack.sessionPresent },
                'connected and subscribed',
              );
              if (!started) {
                started = true;
                resolve();
              }
            },
            (error: unknown) => {
              log.error({ err: error }, 'subscription failed');
              if (!started) {
                started = true;
                c.end(true);
                reject(error);
              }
            },
          );
        });
        c.on('close', () => {
          if (counters.connected) log.warn('MQTT connection closed; reconnecting');
          counters.connected = false;
          link.closed = true;
          link.retry.abort();
        });
        c.on('error', (error: Error & { code?: unknown }) => {
          log.error({ err: error }, 'MQTT error');
          if (!started && typeof error.code === 'number' && PERMANENT_CONNACK.has(error.code)) {
            started = true;
            c.end(true);
            reject(
              new Error(
                `broker refused the connection: ${error.message}; check the MQTT user name, password and client id`,
              ),
            );
          }
        });
        c.on('end', () => {
          if (!started) {
            started = true;
            reject(new Error('MQTT subscriber stopped before it connected'));
          }
        });
      });
    },
    async stop() {
      const c = client;
      if (!c) return;
      // Ends a retry wait; an attempt already running finishes and is acknowledged if it commits.
      stopping = true;
      link.retry.abort();
      await inFlight;
      client = undefined;
      counters.connected = false;
      // A clean DISCONNECT keeps the persistent session, so the broker queues messages until restart.
      await c.endAsync();
      log.info('MQTT disconnected');
    },
    counters: () => ({ ...counters }),
  };
}

/** Waits `ms`; resolves false early when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
