import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundPort, closeServer, listen } from './listen.ts';

const servers = [createServer(), createServer()];
afterEach(async () => {
  for (const server of servers) await closeServer(server);
});

describe('listen', () => {
  it('names the variable to change when the port is taken', async () => {
    const [first, second] = servers as [ReturnType<typeof createServer>, ReturnType<typeof createServer>];
    await listen(first, 0, '127.0.0.1', 'FIRST_PORT');
    const port = boundPort(first);
    await expect(listen(second, port, '127.0.0.1', 'BISA_HTTP_PORT')).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use: set BISA_HTTP_PORT to a free port`,
    );
    expect(second.listening).toBe(false);
  });
});

describe('closeServer', () => {
  it('ends an HTTP server whose client holds a streaming response open', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(':\n\n');
    });
    await listen(server, 0, '127.0.0.1', 'TEST_PORT');
    const response = await fetch(`http://127.0.0.1:${boundPort(server)}/`);
    expect(response.status).toBe(200);
    await closeServer(server);
    expect(server.listening).toBe(false);
    await expect(response.text()).rejects.toThrow();
  });
});
