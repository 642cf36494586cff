import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  parser as createParser,
  generate,
  type IConnackPacket,
  type IPublishPacket,
  type ISubackPacket,
  type Packet,
} from 'mqtt-packet';
import type { Logger } from 'pino';
import { InflightWindow } from './mqtt-inflight.ts';

export interface MqttOptions {
  /** mqtt://, mqtts://, ws:// or wss:// with a host. */
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
   * Keep-alive interval (default 60). While a commit keeps failing the connection is not read
   * (the broker keeps the rest queued), so the PINGRESP is not seen either: within about twice
   * this the connection is dropped, the retries end and the broker redelivers later.
   */
  keepaliveSeconds?: number;
  /**
   * Most unacknowledged QoS 1 messages on one connection (default RECEIVE_MAXIMUM); the connection
   * stops reading while this many are in hand. Announced as the MQTT 5 Receive Maximum; with MQTT
   * 3.1.1 the broker's max_inflight_messages decides how many it sends.
   */
  receiveMaximum?: number;
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
 * Called for every message as it arrives, without waiting for earlier ones to resolve.
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
  /** Stops taking messages, lets the in-flight ones finish, then disconnects keeping the session. */
  stop(): Promise<void>;
  counters(): MqttCounters;
}

/**
 * Messages in flight per connection. The pipeline commits up to 256 messages per commit: 512
 * lets one full commit run while the next one fills (or, with two commits at a time, both be
 * full) from one connection. Memory
 * stays bounded: 512 x the 256 KiB payload limit is 128 MiB in the worst case, 512 x ~3 KB
 * (a 50-reading batch) is 1.5 MB normally. Mosquitto 2.0.11 uses it for MQTT 5 clients instead of
 * its max_inflight_messages, which applies to MQTT 3.1.1 clients (both measured).
 */
export const RECEIVE_MAXIMUM = 512;
const SEVEN_DAYS = 7 * 24 * 3600;
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 30_000;
const RECONNECT_FIRST_MS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;
const SUBSCRIBE_ID = 1;
// CONNACK codes that reconnecting will not fix: bad protocol version, client id or credentials,
// not authorised, banned (MQTT 3.1.1 codes 1, 2, 4, 5 and their MQTT 5 equivalents).
const PERMANENT_CONNACK = new Set([1, 2, 4, 5, 0x84, 0x85, 0x86, 0x87, 0x8a, 0x8c]);
const CONNACK_REASONS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client id rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorised',
  132: 'unsupported protocol version',
  133: 'client id not valid',
  134: 'bad user name or password',
  135: 'not authorised',
  136: 'server unavailable',
  137: 'server busy',
  138: 'banned',
  140: 'bad authentication method',
};

/** A byte stream to the broker: TCP, TLS or WebSocket. */
interface Transport {
  write(data: Buffer): void;
  /** Stops handing over received bytes until resume(); TCP then pushes back on the broker. */
  pause(): void;
  resume(): void;
  /** Closes after what was written is sent. */
  end(): void;
  destroy(): void;
}

interface TransportEvents {
  open(): void;
  data(chunk: Buffer): void;
  error(error: Error): void;
  close(): void;
}

function openTransport(url: URL, on: TransportEvents): Transport {
  if (url.protocol === 'mqtt:' || url.protocol === 'mqtts:') {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket =
      url.protocol === 'mqtts:'
        ? tlsConnect({ host, port: Number(url.port || 8883), servername: host }, on.open)
        : netConnect({ host, port: Number(url.port || 1883) }, on.open);
    socket.setNoDelay(true);
    socket.on('data', on.data);
    socket.on('error', on.error);
    socket.on('close', on.close);
    return {
      write: (data) => void socket.write(data),
      pause: () => void socket.pause(),
      resume: () => void socket.resume(),
      end: () => void socket.end(),
      destroy: () => void socket.destroy(),
    };
  }
  // A WebSocket cannot stop reading, so received frames are held (at most the in-flight bound of
  // publishes, plus pings) and not parsed: to the protocol it is the same as a paused socket.
  const ws = new WebSocket(url.href, 'mqtt');
  ws.binaryType = 'arraybuffer';
  let held: Buffer[] | undefined;
  ws.addEventListener('open', on.open);
  ws.addEventListener('message', (event) => {
    // binaryType 'arraybuffer': MQTT frames are binary; a text frame is not MQTT and fails parsing.
    const chunk =
      event.data instanceof ArrayBuffer ? Buffer.from(event.data) : Buffer.from(String(event.data));
    if (held) held.push(chunk);
    else on.data(chunk);
  });
  ws.addEventListener('error', () => on.error(new Error(`WebSocket error on ${url.origin}`)));
  ws.addEventListener('close', on.close);
  return {
    write: (data) => ws.send(Uint8Array.from(data)),
    pause: () => {
      held ??= [];
    },
    resume: () => {
      const chunks = held ?? [];
      held = undefined;
      for (const chunk of chunks) on.data(chunk);
    },
    end: () => ws.close(1000),
    destroy: () => ws.close(),
  };
}

/** One network connection and what is in flight on it. */
interface Link {
  transport: Transport;
  window: InflightWindow;
  closed: boolean;
  /** Aborted when the connection closes or stop() begins: ends the retries of its messages. */
  retry: AbortController;
  /** Messages whose last commit attempt failed; while any, the connection is not read. */
  failing: number;
  paused: boolean;
  /** We are closing it: nothing more received on it is handled. */
  dropped: boolean;
  /** The broker accepted the CONNECT. */
  accepted: boolean;
  pingOutstanding: boolean;
  /** Packet ids released by commits in this tick, sent together in one write when the tick ends. */
  acks: number[];
  connectTimer?: NodeJS.Timeout;
  keepaliveTimer?: NodeJS.Timeout;
  closed$: PromiseWithResolvers<void>;
}

/**
 * The one owner of the MQTT connection (after zigbee2mqtt lib/mqtt.ts), on mqtt-packet's parser
 * and generator. Subscribes QoS 1 to every device's readings on a persistent session, hands each
 * message to the handler as it arrives (up to `receiveMaximum` in flight per connection) and
 * acknowledges a message only after the handler has committed it, PUBACKs in arrival order as
 * MQTT requires. mqtt.js could not do this: it hands a connection's messages over one at a time
 * and sends the PUBACK when its callback is called, so one connection committed one message at a
 * time. A PUBACK is only sent on the connection that delivered the message; if it drops, the
 * broker redelivers every unacknowledged message on the resumed session, and storing one again
 * is a no-op.
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
  const protocolVersion = options.protocolVersion ?? 5;
  const receiveMaximum = options.receiveMaximum ?? RECEIVE_MAXIMUM;
  const packetOptions = { protocolVersion };
  let running = false;
  let stopping = false;
  let link: Link | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let reconnects = 0;
  let starting: { resolve(): void; reject(error: Error): void } | undefined;
  const deliveries = new Set<Promise<void>>();

  function send(l: Link, packet: Packet): void {
    if (!l.closed) l.transport.write(generate(packet, packetOptions));
  }

  function drop(l: Link): void {
    l.dropped = true;
    l.transport.destroy();
  }

  function settleStart(error?: Error): void {
    const s = starting;
    starting = undefined;
    if (!s) return;
    if (error) s.reject(error);
    else s.resolve();
  }

  /** Ends the subscriber for good before it started: the broker refused what retrying cannot fix. */
  function failStart(l: Link, error: Error): void {
    running = false;
    drop(l);
    settleStart(error);
  }

  /**
   * Reads the connection unless a commit keeps failing or `receiveMaximum` messages are in hand.
   * The bound is kept here, not left to the broker: MQTT 3.1.1 cannot announce it, and Mosquitto
   * 2.0.11 was seen sending one message more than the MQTT 5 Receive Maximum. A broker that keeps
   * to it sends nothing but PINGRESPs meanwhile, and those wait until the oldest message commits.
   */
  function updateFlow(l: Link): void {
    const pause = l.failing > 0 || l.window.full;
    if (pause === l.paused || l.closed) return;
    l.paused = pause;
    if (pause) l.transport.pause();
    else l.transport.resume();
  }

  async function deliver(packet: IPublishPacket, l: Link): Promise<boolean> {
    const message: IncomingMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      redelivered: packet.dup,
    };
    const signal = l.retry.signal;
    let failed = false;
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await handler(message);
          return true;
        } catch (error) {
          if (!failed) {
            // The database refuses: take nothing more in until it recovers; the broker keeps it.
            failed = true;
            l.failing += 1;
            updateFlow(l);
          }
          if (signal.aborted) return false;
          const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
          log.warn(
            { err: error, topic: packet.topic, attempt: attempt + 1, retryInMs: Math.round(delay) },
            'commit failed; message kept unacknowledged, retrying',
          );
          if (!(await sleep(delay, signal))) return false;
        }
      }
    } finally {
      if (failed) {
        l.failing -= 1;
        updateFlow(l);
      }
    }
  }

  function track(delivery: Promise<void>): void {
    deliveries.add(delivery);
    void delivery.finally(() => deliveries.delete(delivery));
  }

  function onPublish(l: Link, packet: IPublishPacket): void {
    if (packet.qos === 2) {
      // Subscriptions are QoS 1, so the broker never sends QoS 2: a broken broker or a bug.
      log.error({ topic: packet.topic }, 'broker sent a QoS 2 message to a QoS 1 subscription; reconnecting');
      drop(l);
      return;
    }
    counters.received += 1;
    if (packet.dup) counters.redelivered += 1;
    if (packet.qos === 0) {
      // Published at QoS 0 by the device: nothing to acknowledge, counted as done once committed.
      if (!stopping) {
        track(
          deliver(packet, l).then((committed) => {
            if (committed) counters.acknowledged += 1;
          }),
        );
      }
      return;
    }
    const place = l.window.add(packet.messageId ?? 0);
    updateFlow(l);
    // While stopping it is not handed over: it stays unacknowledged (and so does everything after
    // it on this connection), and the broker keeps it in the session for the next start.
    if (stopping) return;
    track(
      deliver(packet, l).then((committed) => {
        if (!committed || l.closed) return;
        const ids = l.window.commit(place);
        if (ids.length === 0) return;
        // A commit resolves a whole batch at once, one message after another in the same tick:
        // one write for all their PUBACKs instead of a system call each.
        if (l.acks.length === 0) process.nextTick(flushAcks, l);
        l.acks.push(...ids);
      }),
    );
  }

  function flushAcks(l: Link): void {
    const ids = l.acks;
    l.acks = [];
    if (l.closed || ids.length === 0) return;
    l.transport.write(
      Buffer.concat(ids.map((messageId) => generate({ cmd: 'puback', messageId }, packetOptions))),
    );
    counters.acknowledged += ids.length;
    updateFlow(l);
  }

  function onConnack(l: Link, connack: IConnackPacket): void {
    const code = (protocolVersion === 5 ? connack.reasonCode : connack.returnCode) ?? 0;
    if (code !== 0) {
      const reason = `${CONNACK_REASONS[code] ?? 'refused'} (CONNACK code ${code})`;
      if (starting && PERMANENT_CONNACK.has(code)) {
        failStart(
          l,
          new Error(
            `broker refused the connection: ${reason}; check the MQTT user name, password and client id`,
          ),
        );
        return;
      }
      log.error({ url: options.url, code }, `broker refused the connection: ${reason}; retrying`);
      drop(l);
      return;
    }
    l.accepted = true;
    counters.connects += 1;
    reconnects = 0;
    const keepalive = connack.properties?.serverKeepAlive ?? options.keepaliveSeconds ?? 60;
    if (keepalive > 0) {
      // A PINGREQ every interval, and nothing received since the previous one means the broker
      // (or the network) is gone: the acknowledgements in flight will never arrive.
      l.keepaliveTimer = setInterval(() => {
        if (l.pingOutstanding) {
          log.warn(
            { keepaliveSeconds: keepalive },
            'no answer from the broker within the keep-alive; reconnecting',
          );
          drop(l);
          return;
        }
        l.pingOutstanding = true;
        send(l, { cmd: 'pingreq' });
      }, keepalive * 1000);
    }
    if (connack.sessionPresent) {
      ready(true);
      return;
    }
    // A new session (first start, or the broker lost it): subscribe again.
    send(l, {
      cmd: 'subscribe',
      messageId: SUBSCRIBE_ID,
      subscriptions: options.subscriptions.map((topic) => ({ topic, qos: 1 as const })),
    });
  }

  function onSuback(l: Link, suback: ISubackPacket): void {
    if (suback.messageId !== SUBSCRIBE_ID) return;
    const granted = suback.granted.map((g) => (typeof g === 'number' ? g : 0x80));
    const refused = options.subscriptions.filter((_, i) => granted[i] !== 1);
    if (refused.length === 0) {
      ready(false);
      return;
    }
    const error = new Error(
      `broker refused subscription ${refused.map((t) => `${t} (granted ${granted[options.subscriptions.indexOf(t)]})`).join(', ')} at QoS 1; allow the ingest user to read bisa/v1/+/readings and bisa/v1/+/status`,
    );
    log.error({ err: error }, 'subscription failed');
    if (starting) failStart(l, error);
    // After a lost session: retried with backoff, in case the broker's ACL is being fixed.
    else drop(l);
  }

  function ready(sessionPresent: boolean): void {
    counters.connected = true;
    log.info({ url: options.url, clientId: options.clientId, sessionPresent }, 'connected and subscribed');
    settleStart();
  }

  function onPacket(l: Link, packet: Packet): void {
    // The rest of a chunk that arrived with the packet that made us drop the connection.
    if (l.dropped) return;
    l.pingOutstanding = false;
    switch (packet.cmd) {
      case 'publish':
        onPublish(l, packet);
        break;
      case 'connack':
        clearTimeout(l.connectTimer);
        onConnack(l, packet);
        break;
      case 'suback':
        onSuback(l, packet);
        break;
      case 'disconnect':
        log.warn({ reasonCode: packet.reasonCode }, 'broker closed the connection');
        drop(l);
        break;
      default:
        // PINGRESP; nothing else is expected by a client that only subscribes.
        break;
    }
  }

  function connect(): void {
    reconnectTimer = undefined;
    const url = new URL(options.url);
    const parser = createParser(packetOptions);
    const l: Link = {
      window: new InflightWindow(receiveMaximum),
      closed: false,
      retry: new AbortController(),
      failing: 0,
      paused: false,
      accepted: false,
      dropped: false,
      pingOutstanding: false,
      acks: [],
      closed$: Promise.withResolvers<void>(),
      transport: openTransport(url, {
        open() {
          l.connectTimer = setTimeout(() => {
            log.error({ url: options.url }, `no CONNACK within ${CONNECT_TIMEOUT_MS / 1000} s; retrying`);
            drop(l);
          }, CONNECT_TIMEOUT_MS);
          send(l, {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion,
            clientId: options.clientId,
            clean: false,
            keepalive: options.keepaliveSeconds ?? 60,
            ...(options.username === undefined ? {} : { username: options.username }),
            ...(options.password === undefined ? {} : { password: Buffer.from(options.password) }),
            ...(protocolVersion === 5
              ? {
                  properties: {
                    sessionExpiryInterval: options.sessionExpirySeconds ?? SEVEN_DAYS,
                    receiveMaximum,
                  },
                }
              : {}),
          });
        },
        data: (chunk) => parser.parse(chunk),
        error: (error) => log.error({ err: error, url: options.url }, 'MQTT connection error'),
        close() {
          if (l.closed) return;
          l.closed = true;
          l.retry.abort();
          clearTimeout(l.connectTimer);
          clearInterval(l.keepaliveTimer);
          if (link === l) link = undefined;
          if (counters.connected) log.warn('MQTT connection closed; reconnecting');
          counters.connected = false;
          l.closed$.resolve();
          if (running && !stopping) {
            const delay =
              Math.min(RETRY_MAX_MS, RECONNECT_FIRST_MS * 2 ** reconnects) * (0.5 + Math.random() / 2);
            reconnects += 1;
            reconnectTimer = setTimeout(connect, delay);
          }
        },
      }),
    };
    parser.on('packet', (packet: Packet) => onPacket(l, packet));
    parser.on('error', (error: Error) => {
      log.error({ err: error }, 'malformed packet from the broker; reconnecting');
      drop(l);
    });
    link = l;
  }

  return {
    start() {
      if (running) return Promise.reject(new Error('the MQTT subscriber is already started'));
      const url = URL.canParse(options.url) ? new URL(options.url) : undefined;
      if (!url || !['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol) || !url.hostname) {
        return Promise.reject(
          new Error(`MQTT URL ${options.url} is not mqtt://, mqtts://, ws:// or wss:// with a host`),
        );
      }
      running = true;
      stopping = false;
      return new Promise<void>((resolve, reject) => {
        starting = { resolve, reject };
        connect();
      });
    },
    async stop() {
      if (!running) return;
      // Ends the retry waits; attempts already running finish and are acknowledged if they commit.
      stopping = true;
      clearTimeout(reconnectTimer);
      link?.retry.abort();
      settleStart(new Error('MQTT subscriber stopped before it connected'));
      await Promise.all([...deliveries]);
      running = false;
      counters.connected = false;
      const l = link;
      if (l && !l.closed) {
        if (l.accepted) {
          // The last commits' PUBACKs may still wait for the end of the tick: they go first.
          flushAcks(l);
          // A clean DISCONNECT keeps the persistent session, so the broker queues messages until restart.
          send(l, { cmd: 'disconnect' });
          // Read again (a failing commit may have paused it) so the broker's close is seen;
          // whatever still arrives is not handed over while stopping.
          l.transport.resume();
          l.transport.end();
          // The broker closes on DISCONNECT; one that does not is not waited for long.
          setTimeout(() => drop(l), 5000).unref();
        } else {
          drop(l);
        }
        await l.closed$.promise;
      }
      counters.connected = false;
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
