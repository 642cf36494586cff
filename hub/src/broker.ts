import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { DEVICE_ID_PATTERN, TOPIC_ROOT } from '@bisa/contract/topics.ts';
import { verifyDeviceSecret } from '@bisa/db/device-credentials.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import { boundPort, closeServer, listen } from '@bisa/service/listen.ts';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { findDeviceCredentialHash } from './repositories/device-credentials.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  wsPort: number;
  sql: SqlQueryable;
  logger: Logger;
}

/** A principal of the embedded broker: a registered device, or the hub's own ingest worker. */
type Principal = { kind: 'device'; deviceId: string } | { kind: 'service' };

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
        if (principal?.kind === 'service' || (principal && isOwnTopic(principal.deviceId, packet.topic))) {
          callback(null);
          return;
        }
        logger.warn(
          { clientId: client?.id, topic: packet.topic },
          'refused publish outside the device topic',
        );
        callback(new Error(`publishing to ${packet.topic} is not allowed`));
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const principal = this.#principals.get(client);
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
    this.#aedes = aedes;

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
    if (!hash || !(await verifyDeviceSecret(secret, hash))) {
      this.#options.logger.warn({ deviceId: username, clientId: client.id }, 'device login refused');
      return false;
    }
    this.#principals.set(client, { kind: 'device', deviceId: username });
    return true;
  }
}

function isOwnTopic(deviceId: string, topic: string): boolean {
  return topic.startsWith(`${TOPIC_ROOT}/${deviceId}/`);
}

function badCredentials(): AuthenticateError {
  return Object.assign(new Error('bad user name or password'), { returnCode: BAD_USERNAME_OR_PASSWORD });
}
