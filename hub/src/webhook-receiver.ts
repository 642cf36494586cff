#!/usr/bin/env node
// A local alert-webhook receiver for drills and demos: prints and counts every delivery and
// checks its signature. Usage: node hub/src/webhook-receiver.ts --secret <secret> [--port 9000]
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { verifySignature } from '@bisa/ingest/alerts/webhook-sender.ts';

const USAGE = `Usage: node hub/src/webhook-receiver.ts --secret <secret> [--port 9000] [--host 127.0.0.1]

Listens for BISA Hub alert webhooks and prints each delivery with a running count, its event and
message, and whether its X-Bisa-Signature matches the secret. Start the hub with
BISA_ALERT_WEBHOOK_URL=http://127.0.0.1:9000/ and BISA_ALERT_WEBHOOK_SECRET=<the same secret>.`;

let values: { secret?: string; port: string; host: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      secret: { type: 'string' },
      port: { type: 'string', default: '9000' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`webhook-receiver: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const secret = values.secret;
if (!secret) {
  console.error(`webhook-receiver: --secret is required\n\n${USAGE}`);
  process.exit(2);
}

let count = 0;
const seen = new Set<string>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on('end', () => {
    count += 1;
    const delivery = String(req.headers['x-bisa-delivery'] ?? '?');
    const signed = verifySignature(
      secret,
      body,
      String(req.headers['x-bisa-signature'] ?? ''),
      Date.now() / 1000,
    );
    let text = body;
    try {
      text = (JSON.parse(body) as { text?: { en?: string } }).text?.en ?? body;
    } catch {
      // Printed raw below.
    }
    const repeat = seen.has(delivery) ? ' (repeat of a delivery already received)' : '';
    seen.add(delivery);
    console.log(
      `#${count} delivery ${delivery} ${signed ? 'signature ok' : 'SIGNATURE INVALID'}${repeat}: ${text}`,
    );
    res.writeHead(signed ? 204 : 401).end();
  });
});
server.listen(Number(values.port), values.host, () => {
  console.log(`webhook-receiver: listening on http://${values.host}:${values.port}/ (Ctrl-C stops)`);
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
