import { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';

/**
 * Starts listening and turns the usual failure into an actionable message naming the
 * variable that sets the port (a busy port is the most common first-run problem).
 */
export function listen(server: Server, port: number, host: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`port ${port} on ${host} is already in use: set ${variable} to a free port`));
      } else if (error.code === 'EACCES') {
        reject(new Error(`not allowed to listen on port ${port}: set ${variable} to a port above 1024`));
      } else {
        reject(new Error(`cannot listen on ${host}:${port} (${variable}): ${error.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The port the server actually got (differs from the configured one when that was 0). */
export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('server is not listening on a TCP port');
  return address.port;
}

/**
 * Stops listening and resolves once the server is closed. An HTTP server's open connections are
 * ended too: live subscriptions (server-sent events) never go idle and would hold shutdown forever.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    if (server instanceof HttpServer) server.closeAllConnections();
  });
}
