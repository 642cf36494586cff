import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { upsertWebhookByName } from '@bisa/db/alerts.ts';
import { type Database, openEmbeddedDatabase } from '@bisa/db/database.ts';
import { applyMigrations } from '@bisa/db/migrate.ts';
import { SAMPLE_THINGS, sampleDeviceSecret } from '@bisa/db/sample-data.ts';
import { seedReferenceData, seedSampleData } from '@bisa/db/seed.ts';
import { createGateway } from '@bisa/gateway/gateway.ts';
import { type AlertEvaluator, createAlertEvaluator } from '@bisa/ingest/alerts/evaluator.ts';
import { createWebhookSender, type WebhookSender } from '@bisa/ingest/alerts/webhook-sender.ts';
import { createIngestPipeline } from '@bisa/ingest/ingest-pipeline.ts';
import { stopInOrder } from '@bisa/service/lifecycle.ts';
import { boundPort, closeServer, listen } from '@bisa/service/listen.ts';
import type { Logger } from 'pino';
import { EmbeddedBroker } from './broker.ts';
import type { HubConfig } from './config.ts';
import { type SimulatedDevice, Simulator } from './simulator.ts';

type RequestHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface HubAddresses {
  dashboard: string;
  graphql: string;
  mqtt: string;
  mqttWs: string;
  dataDir: string | undefined;
}

/** The sample devices the simulator plays, with the public sample credentials shown in the banner. */
export const SAMPLE_DEVICES: readonly SimulatedDevice[] = SAMPLE_THINGS.map((thing) => ({
  id: thing.id,
  secret: sampleDeviceSecret(thing.id),
  metrics: thing.datastreams.map((d) => d.key),
  intervalMs: Math.min(...thing.datastreams.map((d) => d.expectedIntervalSeconds)) * 1000,
}));

/**
 * The embedded hub: every part of BISA Hub in one process with no outside service. The HTTP
 * port is taken first so that a second hub on the same data folder fails before opening it.
 */
export class Hub {
  readonly #config: HubConfig;
  readonly #logger: Logger;
  #http: Server | undefined;
  #database: Database | undefined;
  #broker: EmbeddedBroker | undefined;
  #gateway: ReturnType<typeof createGateway> | undefined;
  #simulator: Simulator | undefined;
  #alerts: AlertEvaluator | undefined;
  #webhooks: WebhookSender | undefined;
  #dashboard: RequestHandler | undefined;
  #ready = false;

  constructor(config: HubConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
  }

  get database(): Database {
    if (!this.#database) throw new Error('hub is not started');
    return this.#database;
  }

  get addresses(): HubAddresses {
    if (!this.#http || !this.#broker) throw new Error('hub is not started');
    const host = this.#config.host === '0.0.0.0' ? '127.0.0.1' : this.#config.host;
    const http = `http://${host}:${boundPort(this.#http)}`;
    const { mqtt, mqttWs } = this.#broker.ports;
    return {
      dashboard: `${http}/`,
      graphql: `${http}/graphql`,
      mqtt: `mqtt://${host}:${mqtt}`,
      mqttWs: `ws://${host}:${mqttWs}`,
      dataDir: this.#config.dataDir,
    };
  }

  async start(): Promise<void> {
    const { host, ports, dataDir, simulator } = this.#config;
    const logger = this.#logger;

    this.#http = createServer((req, res) => this.#route(req, res));
    await listen(this.#http, ports.http, host, 'BISA_HTTP_PORT');

    this.#dashboard = await loadDashboard();

    if (dataDir) await mkdir(dataDir, { recursive: true });
    logger.info({ dataDir: dataDir ?? '(memory)' }, 'opening embedded database');
    this.#database = await openEmbeddedDatabase(dataDir);
    const applied = await applyMigrations(this.#database.sql, {
      onProgress: (event) => logger.info(event, 'migration'),
    });
    logger.info({ applied: applied.length }, 'database schema up to date');
    await seedReferenceData(this.#database);
    await seedSampleData(this.#database);

    // Ingest runs inside the broker's publish hook: a device's PUBACK follows the commit of its
    // message, and concurrent devices' messages are committed together (group commit).
    const ingest = createIngestPipeline({
      database: this.#database,
      logger: logger.child({ part: 'ingest' }),
    });
    this.#broker = new EmbeddedBroker({
      host,
      port: ports.mqtt,
      wsPort: ports.mqttWs,
      sql: this.#database.sql,
      logger: logger.child({ part: 'broker' }),
      onDeviceMessage: (message) => ingest.handle(message),
    });
    await this.#broker.start();
    const brokerUrl = `mqtt://127.0.0.1:${this.#broker.ports.mqtt}`;

    this.#gateway = createGateway({
      database: this.#database,
      logger: logger.child({ part: 'gateway' }),
      // A local trial: GraphiQL's documentation explorer works without signing in first.
      introspection: 'everyone',
    });
    await this.#gateway.start();

    // Alerting runs on what ingest committed, as in the standalone ingest process.
    const webhook = this.#config.alertWebhook;
    if (webhook) {
      await upsertWebhookByName(this.#database.sql, { name: 'BISA_ALERT_WEBHOOK_URL', ...webhook });
      logger.info({ url: webhook.url, levels: webhook.levels }, 'alert webhook registered');
    }
    this.#alerts = createAlertEvaluator({
      database: this.#database,
      logger: logger.child({ part: 'alerts' }),
      dailySummary: this.#config.alertSummary,
    });
    await this.#alerts.start();
    this.#webhooks = createWebhookSender({
      database: this.#database,
      logger: logger.child({ part: 'webhooks' }),
    });
    await this.#webhooks.start();

    if (simulator.enabled) {
      this.#simulator = new Simulator({
        brokerUrl,
        devices: SAMPLE_DEVICES,
        intervalMs: simulator.intervalMs,
        logger: logger.child({ part: 'simulator' }),
      });
      await this.#simulator.start();
    }
    this.#ready = true;
  }

  /** Stops in the reverse order of start; each part in its own try so one failure does not skip the rest. */
  async stop(): Promise<void> {
    this.#ready = false;
    const [simulator, http, gateway, broker, alerts, webhooks, database] = [
      this.#simulator,
      this.#http,
      this.#gateway,
      this.#broker,
      this.#alerts,
      this.#webhooks,
      this.#database,
    ];
    await stopInOrder(this.#logger, [
      ['simulator', simulator && (() => simulator.stop())],
      ['http', http && (() => closeServer(http))],
      ['gateway', gateway && (() => gateway.stop())],
      ['broker', broker && (() => broker.stop())],
      ['alert evaluator', alerts && (() => alerts.stop())],
      ['alert webhooks', webhooks && (() => webhooks.stop())],
      ['database', database && (() => database.close())],
    ]);
    this.#simulator = undefined;
    this.#http = undefined;
    this.#gateway = undefined;
    this.#broker = undefined;
    this.#alerts = undefined;
    this.#webhooks = undefined;
    this.#database = undefined;
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (!this.#ready || !this.#gateway || !this.#dashboard) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '2' }).end('BISA Hub is starting\n');
      return;
    }
    if (path === '/readyz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ready\n');
      return;
    }
    if (path?.startsWith('/graphql')) {
      this.#gateway.yoga(req, res);
      return;
    }
    this.#dashboard(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
  }
}

// The dashboard's handler is a build output without type declarations; a specifier held in a
// variable keeps the type checker from looking for them (the shape is asserted below).
const DASHBOARD_HANDLER = '@bisa/dashboard/handler';

async function loadDashboard(): Promise<RequestHandler> {
  try {
    const module = (await import(DASHBOARD_HANDLER)) as { handler: RequestHandler };
    return module.handler;
  } catch (error) {
    throw new Error(
      `the dashboard is not built (${(error as Error).message}); run "pnpm --filter @bisa/dashboard build" or start with ./bisa start`,
    );
  }
}
