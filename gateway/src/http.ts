import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Database } from '@bisa/db/database.ts';
import type { Logger } from 'pino';
import type { GatewayYoga } from './yoga.ts';

/**
 * The standalone gateway's HTTP server: /graphql for the API, /healthz (the process runs) and
 * /readyz (the database answers), so an orchestrator can restart or route around a replica.
 */
export function createGatewayServer({
  yoga,
  database,
  logger,
}: {
  yoga: GatewayYoga;
  database: Database;
  logger: Logger;
}): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      database.sql
        .query('SELECT 1')
        .then(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ready\n'))
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'readiness check failed: database unreachable');
          res.writeHead(503, { 'content-type': 'text/plain' }).end('database unreachable\n');
        });
    } else if (path?.startsWith('/graphql')) {
      yoga(req, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the API is at /graphql\n');
    }
  });
}
