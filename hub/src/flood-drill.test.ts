import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhook, listAlerts } from '@bisa/db/alerts.ts';
import { signBody } from '@bisa/ingest/alerts/webhook-sender.ts';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFloodDrill } from './drill-runner.ts';
import { Hub } from './hub.ts';
import { connectSampleDevice, embeddedTestConfig } from './testing.ts';

// End to end on the embedded hub (PGlite with TimescaleDB, in-process broker, simulator on): the
// flood drill publishes through the broker as the river gauge, ingest commits, the evaluator
// opens the rate-of-rise alert and the webhook sender delivers it, signed, to a local receiver.

let hub: Hub;
let device: MqttClient;
let receiver: Server;
const SECRET = 'drill-receiver-secret-0123';
const deliveries: { type: string; rule: string; signature: string; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const parsed = JSON.parse(body) as { type: string; rule: { name: string } };
      deliveries.push({
        type: parsed.type,
        rule: parsed.rule.name,
        signature: String(req.headers['x-bisa-signature']),
        body,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hub = new Hub(
    embeddedTestConfig({ simulator: { enabled: true, intervalMs: 200 } }),
    pino({ level: 'silent' }),
  );
  await hub.start();
  await createWebhook(hub.database.sql, {
    name: 'drill receiver',
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
    secret: SECRET,
  });
  // A drill compressed 120-fold outruns the sample rule's 20 s pending period; an operator drilling
  // this fast would tune the rule the same way (rules are data).
  await hub.database.sql.query(
    `UPDATE alert_rule SET pending_seconds = 0 WHERE is_sample AND kind = 'RATE_OF_RISE'`,
  );
  device = await connectSampleDevice(hub.addresses.mqtt);
});

afterAll(async () => {
  await device?.endAsync(true);
  await hub?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

it('the flood drill over MQTT opens the rate-of-rise alert and a signed webhook delivers it', async () => {
  const started = new Date();
  const published = await runFloodDrill(device, {
    deviceId: 'masamba-river-01',
    speed: 120,
    intervalSeconds: 0.5,
    rainfall: true,
  });
  const { rows } = await hub.database.sql.query<{ id: number }>(
    `SELECT id FROM datastream WHERE thing_id = 'masamba-river-01' AND key = 'water_level'`,
  );
  const ds = rows[0]?.id;
  for (;;) {
    if (deliveries.some((d) => d.type === 'opened' && d.rule.startsWith('Kenaikan cepat'))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const alerts = await listAlerts(hub.database.sql, { datastreamId: ds ?? -1 });
  const rise = alerts.find((a) => a.level === 'SIAGA' || a.level === 'AWAS');
  expect(rise?.state).toBe('OPEN');
  const opened = deliveries.find((d) => d.type === 'opened' && d.rule.startsWith('Kenaikan cepat'));
  if (!opened) throw new Error('no delivery');
  const t = Number(/t=(\d+)/.exec(opened.signature)?.[1]);
  expect(opened.signature).toBe(signBody(SECRET, opened.body, t));
  // The simulated gauge fell quiet while the drill played it: the stored series is the drill's.
  const { rows: stored } = await hub.database.sql.query<{ n: number; highest: number }>(
    'SELECT count(*)::int AS n, max(value) AS highest FROM reading WHERE datastream_id = $1 AND time >= $2',
    [ds, started],
  );
  expect(stored[0]?.highest).toBeGreaterThan(4.5);
  expect(stored[0]?.n).toBeLessThanOrEqual(published + 2);
});
