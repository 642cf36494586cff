import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { DEVICE_ID_PATTERN, TOPIC_ROOT } from '@bisa/contract/topics.ts';
import { verifySecret } from '@bisa/db/secret-hash.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import { boundPort, closeServer, listen } from '@bisa/service/listen.ts';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { findDeviceCredentialHash, findDeviceCredentialHashes } from './repositories/device-credentials.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  wsPort: number;
  sql: SqlQueryable;
  logger: Logger;
  /**
   * Ingest, in process: called with every message a device publishes under its own id, and the
   * device gets its PUBACK only after this resolves (the reading or its dead letter committed).
   * When it rejects, the device is disconnected without a PUBACK and resends after reconnecting.
   */
  onDeviceMessage?: (message: { topic: string; payload: Uint8Array }) => Promise<void>;
  /**
   * Milliseconds between checks that each connected device still has the credential it logged in
   * with (default 5000): a device whose secret was rotated or removed (disabled) since is
   * disconnected within about this long.
   */
  credentialCheckMs?: number;
}

/** How often the broker checks the connected devices' credentials unless told otherwise. */
export const DEFAULT_CREDENTIAL_CHECK_MS = 5_000;

/** A principal of the embedded broker: a registered device, or the hub's own ingest worker. */
type Principal =
  /** `credentialHash`: the stored hash its secret matched at CONNECT. */
  { kind: 'device'; deviceId: string; credentialHash: string } | { kind: 'service' };

// mqtt-packet's CONNACK return code 4 (MQTT 3.1.1) / reason 0x86 (MQTT 5): bad user name or password.
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * The in-process MQTT broker of the embedded hub (aedes; MQTT 3.1.1) on TCP and WebSocket.
 * Devices authenticate with their id and secret and may only publish and subscribe under
 * bisa/v1/<their id>/; the ingest worker connects with a service credential made at start.
 */
export class EmbeddedBroker {
  readonly serviceCredentials = {
    username: 'bisa-hub-ingest',
    password: randomBytes(24).toString('base64url'),
  };
  readonly #options: EmbeddedBrokerOptions;
  readonly #principals = new WeakMap<Client, Principal>();
  /** Devices connected now, whose credentials the periodic check compares. */
  readonly #connectedDevices = new Set<Client>();
  #credentialCheck: NodeJS.Timeout | undefined;
  #aedes: Aedes | undefined;
  #tcp: TcpServer | undefined;
  #http: HttpServer | undefined;
  #ws: WebSocketServer | undefined;

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options;
  }

  get ports(): { mqtt: number; mqttWs: number } {
    if (!this.#tcp || !this.#http) throw new Error('broker is not started');
    return { mqtt: boundPort(this.#tcp), mqttWs: boundPort(this.#http) };
  }

  async start(): Promise<void> {
    const { host, port, wsPort, logger } = this.#options;
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        this.#authenticate(client, username, password).then(
          (ok) => done(ok ? null : badCredentials(), ok),
          (error: unknown) => {
            logger.error({ err: error, clientId: client.id }, 'broker authentication failed');
            done(badCredentials(), false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        const principal = client ? this.#principals.get(client) : undefined;
        if (principal?.kind === 'service') {
          callback(null);
          return;
        }
        if (principal && isOwnTopic(principal.deviceId, packet.topic)) {
          const ingest = this.#options.onDeviceMessage;
          if (!ingest) {
            callback(null);
            return;
          }
          // aedes writes the PUBACK (QoS 1) only after this callback, and a will only goes out
          // after it too: so nothing is acknowledged before it is committed.
          const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
          ingest({ topic: packet.topic, payload }).then(
            () => callback(null),
            (error: unknown) => {
              logger.warn(
                { err: error, deviceId: principal.deviceId, topic: packet.topic },
                'commit failed; the device is disconnected without an acknowledgement and resends',
              );
              callback(error instanceof Error ? error : new Error(String(error)));
            },
          );
          return;
        }
        logger.warn(
          { clientId: client?.id, topic: packet.topic },
          'refused publish outside the device topic',
        );
        callback(new Error(`publishing to ${packet.topic} is not allowed`));
      },
      // Second line of defence behind authorizeSubscribe: a device is never sent another device's topic.
      authorizeForward: (client, packet) => {
        const principal = this.#principals.get(client);
        if (principal?.kind === 'device' && !isOwnTopic(principal.deviceId, packet.topic)) return null;
        return packet;
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const principal = this.#principals.get(client);
        if (subscription.topic.startsWith('$share/')) {
          // aedes speaks MQTT 3.1.1 and would treat "$share/..." as a plain topic that never
          // matches: refuse it loudly instead of letting a subscriber wait for nothing.
          logger.error(
            { clientId: client.id, topic: subscription.topic },
            'refused a shared subscription: the embedded broker (MQTT 3.1.1) has none; run ingest with one connection, or use Mosquitto/EMQX for several ingest workers',
          );
          callback(null, null);
          return;
        }
        if (
          principal?.kind === 'service' ||
          (principal && isOwnTopic(principal.deviceId, subscription.topic))
        ) {
          callback(null, subscription);
          return;
        }
        logger.warn(
          { clientId: client.id, topic: subscription.topic },
          'refused subscription outside the device topic',
        );
        // A null subscription answers "failure" (granted 0x80) for this filter and keeps the client connected.
        callback(null, null);
      },
    });
    aedes.on('clientError', (client, error) =>
      logger.debug({ clientId: client.id, err: error }, 'mqtt client error'),
    );
    // 'client' and 'clientDisconnect' come in pairs, once a client is registered after CONNECT.
    aedes.on('client', (client) => {
      if (this.#principals.get(client)?.kind === 'device') this.#connectedDevices.add(client);
    });
    aedes.on('clientDisconnect', (client) => this.#connectedDevices.delete(client));
    this.#aedes = aedes;
    this.#scheduleCredentialCheck();

    this.#tcp = createTcpServer((socket) => aedes.handle(socket));
    await listen(this.#tcp, port, host, 'BISA_MQTT_PORT');

    this.#http = createHttpServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
    });
    this.#ws = new WebSocketServer({ server: this.#http });
    this.#ws.on('connection', (socket, request) => aedes.handle(createWebSocketStream(socket), request));
    await listen(this.#http, wsPort, host, 'BISA_MQTT_WS_PORT');
  }

  async stop(): Promise<void> {
    const aedes = this.#aedes;
    this.#aedes = undefined;
    clearTimeout(this.#credentialCheck);
    this.#credentialCheck = undefined;
    // Closing the broker disconnects every client, so the listeners can then close promptly.
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const socket of this.#ws?.clients ?? []) socket.terminate();
    this.#ws?.close();
    if (this.#http) await closeServer(this.#http);
    if (this.#tcp) await closeServer(this.#tcp);
  }

  async #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<boolean> {
    if (!username || !password) return false;
    const secret = password.toString('utf8');
    if (username === this.serviceCredentials.username) {
      const ok = secret === this.serviceCredentials.password;
      if (ok) this.#principals.set(client, { kind: 'service' });
      return ok;
    }
    if (!DEVICE_ID_PATTERN.test(username)) return false;
    const hash = await findDeviceCredentialHash(this.#options.sql, username);
    if (!hash || !(await verifySecret(secret, hash))) {
      this.#options.logger.warn({ deviceId: username, clientId: client.id }, 'device login refused');
      return false;
    }
    this.#principals.set(client, { kind: 'device', deviceId: username, credentialHash: hash });
    return true;
  }

  // A timer rather than a notification from the writers: rotation and disable come from the
  // gateway, the registry CLI or a database console alike, and one indexed query for every
  // connected device is cheap. The next check is scheduled only after this one has finished.
  #scheduleCredentialCheck(): void {
    const interval = this.#options.credentialCheckMs ?? DEFAULT_CREDENTIAL_CHECK_MS;
    this.#credentialCheck = setTimeout(() => {
      this.#closeStaleCredentials()
        .catch((error: unknown) =>
          this.#options.logger.error(
            { err: error },
            'checking the credentials of the connected devices failed',
          ),
        )
        .finally(() => {
          if (this.#aedes) this.#scheduleCredentialCheck();
        });
    }, interval);
    // The check alone must not keep a process alive.
    this.#credentialCheck.unref();
  }

  /** Disconnects every device whose stored credential is no longer the one it logged in with. */
  async #closeStaleCredentials(): Promise<void> {
    const devices = [...this.#connectedDevices].flatMap((client) => {
      const principal = this.#principals.get(client);
      return principal?.kind === 'device' ? [{ client, principal }] : [];
    });
    if (devices.length === 0) return;
    const current = await findDeviceCredentialHashes(this.#options.sql, [
      ...new Set(devices.map((d) => d.principal.deviceId)),
    ]);
    for (const { client, principal } of devices) {
      if (current.get(principal.deviceId) === principal.credentialHash) continue;
      this.#options.logger.warn(
        { deviceId: principal.deviceId, clientId: client.id },
        'device disconnected: its secret was rotated or removed since it logged in',
      );
      this.#connectedDevices.delete(client);
      client.close();
    }
  }
}

function isOwnTopic(deviceId: string, topic: string): boolean {
  return topic.startsWith(`${TOPIC_ROOT}/${deviceId}/`);
}

function badCredentials(): AuthenticateError {
  return Object.assign(new Error('bad user name or password'), { returnCode: BAD_USERNAME_OR_PASSWORD });
}
