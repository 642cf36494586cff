import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '@bisa/db/database.ts';
import type { Logger } from 'pino';
import type { IngestWorker } from './ingest-worker.ts';
import { renderPrometheus } from './metrics.ts';

export interface HealthServerDeps {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  worker: Pick<IngestWorker, 'metrics'>;
  database: Pick<Database, 'sql'>;
  logger: Logger;
}

export interface HealthServer {
  /** Listens and resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

const DATABASE_CHECK_TIMEOUT_MS = 2000;

/** /healthz: the process runs. /readyz: MQTT subscribed and database reachable. /metrics: Prometheus text. */
export function createHealthServer(deps: HealthServerDeps): HealthServer {
  let server: Server | undefined;

  async function databaseReachable(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), DATABASE_CHECK_TIMEOUT_MS);
    });
    const check = deps.database.sql.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  const handle = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    switch (path) {
      case '/healthz':
        return { status: 200, type: 'application/json', body: '{"status":"ok"}' };
      case '/readyz': {
        const mqtt = deps.worker.metrics().mqttConnected;
        const database = await databaseReachable();
        const ok = mqtt && database;
        return {
          status: ok ? 200 : 503,
          type: 'application/json',
          body: JSON.stringify({ status: ok ? 'ready' : 'not ready', mqtt, database }),
        };
      }
      case '/metrics':
        return {
          status: 200,
          type: 'text/plain; version=0.0.4; charset=utf-8',
          body: renderPrometheus(deps.worker.metrics()),
        };
      default:
        return { status: 404, type: 'application/json', body: '{"error":"not found"}' };
    }
  };

  return {
    start() {
      const s = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        handle(path).then(
          ({ status, type, body }) => {
            response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
            response.end(request.method === 'HEAD' ? undefined : body);
          },
          (error: unknown) => {
            deps.logger.error({ err: error, path }, 'health endpoint failed');
            response.writeHead(500).end();
          },
        );
      });
      server = s;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(deps.port, deps.host, () => {
          s.off('error', reject);
          resolve((s.address() as AddressInfo).port);
        });
      });
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
