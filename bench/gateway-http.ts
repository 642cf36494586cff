#!/usr/bin/env node
// The standalone gateway over real HTTP (issue #4), on a scratch database of the local PostgreSQL:
//   1. requests/s of one dashboard query through the gateway (Yoga + Pothos + Prisma) against a
//      bare node:http handler that runs the same SQL and writes the same JSON, both loaded by
//      the same load generator in a second process;
//   2. committed-reading fan-out: readings NOTIFYed the way ingest commits them, at a fixed rate,
//      and the time until each subscriber's server-sent event arrives, with S subscribers (one
//      SSE connection each) in a second process.
// Usage: node bench/gateway-http.ts --help
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { notifyReadingsCommitted } from '@bisa/db/notifications.ts';
import { createTestDatabase } from '@bisa/db/testing.ts';
import { createGateway } from '@bisa/gateway/gateway.ts';
import { createGatewayServer } from '@bisa/gateway/http.ts';
import pino from 'pino';

const USAGE = `Usage: node bench/gateway-http.ts [options]

  --seconds N        length of each request-rate run (default 10)
  --concurrency N    requests in flight from the load generator (default 32)
  --rate N           readings per second in the fan-out runs (default 5000)
  --subscribers L    comma-separated subscriber counts for the fan-out runs (default 10,1000)
  --fanout-seconds N length of each fan-out run (default 10)

Needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432). Prints requests/s and the gateway/bare
ratio, then for each subscriber count the publish-to-event latency p50/p99/max.`;

// The second process: a load generator or a crowd of subscribers, told what to do by the parent.
if (process.argv[2] === '--child') {
  process.once('message', (task: ChildTask) => {
    void (task.kind === 'load' ? runLoad(task) : runSubscribers(task)).then((result) => {
      process.send?.(result, () => process.exit(0));
    });
  });
} else {
  await main();
}

type ChildTask =
  | { kind: 'load'; url: string; body: string; seconds: number; concurrency: number }
  | { kind: 'subscribe'; url: string; subscribers: number };

async function runLoad(task: Extract<ChildTask, { kind: 'load' }>) {
  let completed = 0;
  let failed = 0;
  const deadline = performance.now() + task.seconds * 1000;
  const lane = async () => {
    while (performance.now() < deadline) {
      const response = await fetch(task.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: task.body,
      });
      const text = await response.text();
      if (response.ok && !text.includes('"errors"')) completed += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: task.concurrency }, lane));
  return { completed, failed, perSecond: completed / task.seconds };
}

/** Latencies at 0.1 ms resolution up to a minute: percentiles of millions of events in fixed memory. */
const HISTOGRAM_STEP_MS = 0.1;
const HISTOGRAM_SIZE = 600_000;

async function runSubscribers(task: Extract<ChildTask, { kind: 'subscribe' }>) {
  const histogram = new Uint32Array(HISTOGRAM_SIZE);
  let received = 0;
  let max = 0;
  const record = (ms: number) => {
    received += 1;
    max = Math.max(max, ms);
    const slot = Math.min(HISTOGRAM_SIZE - 1, Math.max(0, Math.floor(ms / HISTOGRAM_STEP_MS)));
    histogram[slot] = (histogram[slot] ?? 0) + 1;
  };
  const query = 'subscription { readingsCommitted { value } }';
  const streams = await Promise.all(
    Array.from({ length: task.subscribers }, async () => {
      const response = await fetch(task.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query }),
      });
      if (!response.ok || !response.body) throw new Error(`subscription refused: ${response.status}`);
      return response.body.pipeThrough(new TextDecoderStream()).getReader();
    }),
  );
  process.send?.({ ready: true });
  // The parent says when it has published everything and the last events had time to arrive.
  process.once('message', () => {
    for (const reader of streams) void reader.cancel();
  });
  await Promise.all(
    streams.map(async (reader) => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: '', done: true }));
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const data = event.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const arrived = performance.timeOrigin + performance.now();
          const payload = JSON.parse(data.slice(6)) as { data?: { readingsCommitted?: { value: number }[] } };
          for (const reading of payload.data?.readingsCommitted ?? []) record(arrived - reading.value);
        }
      }
    }),
  );
  const percentile = (p: number) => {
    const rank = Math.ceil((p / 100) * received);
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_SIZE; i++) {
      seen += histogram[i] ?? 0;
      if (seen >= rank) return (i + 1) * HISTOGRAM_STEP_MS;
    }
    return Number.NaN;
  };
  return { received, p50: percentile(50), p99: percentile(99), max };
}

function startChild(
  task: ChildTask,
  onReady?: (child: ChildProcess) => void,
): Promise<Record<string, unknown>> {
  const child: ChildProcess = fork(new URL(import.meta.url), ['--child'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('message', (message: Record<string, unknown>) => {
      if (message.ready) onReady?.(child);
      else resolve(message);
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`benchmark child exited with ${code}`));
    });
    child.send(task);
  });
}

function listenOnFreePort(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
    }),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '32' },
      rate: { type: 'string', default: '5000' },
      subscribers: { type: 'string', default: '10,1000' },
      'fanout-seconds': { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const rate = Number(values.rate);
  const fanoutSeconds = Number(values['fanout-seconds']);
  const subscriberCounts = values.subscribers.split(',').map(Number);
  const numbers = [seconds, concurrency, rate, fanoutSeconds, ...subscriberCounts];
  if (!numbers.every((n) => Number.isInteger(n) && n > 0)) {
    console.error(`every option takes a positive whole number\n\n${USAGE}`);
    process.exit(2);
  }

  const db = await createTestDatabase();
  const logger = pino({ level: 'warn' });
  const gateway = createGateway({ database: db.database, logger, graphiql: false });
  await gateway.start();
  const gatewayServer = createGatewayServer({ yoga: gateway.yoga, database: db.database, logger });
  const gatewayUrl = await listenOnFreePort(gatewayServer);

  // The same data as the GraphQL query below, by hand: one SQL statement, JSON written directly.
  const query = '{ dimensions { id sortOrder coordinator { acronym } } }';
  const bare = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      db.database.sql
        .query<{ id: string; sortOrder: number; acronym: string }>(
          `SELECT d.id, d.sort_order AS "sortOrder", a.acronym
             FROM dimension d JOIN agency a ON a.id = d.coordinator_agency_id ORDER BY d.sort_order`,
        )
        .then(({ rows }) => {
          const dimensions = rows.map((r) => ({
            // The gateway's Relay global id.
            id: Buffer.from(`Dimension:${r.id}`).toString('base64'),
            sortOrder: r.sortOrder,
            coordinator: { acronym: r.acronym },
          }));
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ data: { dimensions } }));
        })
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  });
  const bareUrl = await listenOnFreePort(bare);

  try {
    const body = JSON.stringify({ query });
    console.log(`request rate: ${query}, ${concurrency} in flight, ${seconds} s each`);
    const load = (url: string) => startChild({ kind: 'load', url, body, seconds, concurrency });
    const viaGateway = (await load(gatewayUrl)) as { perSecond: number; failed: number };
    const viaBare = (await load(bareUrl)) as { perSecond: number; failed: number };
    console.log(
      `  gateway       ${viaGateway.perSecond.toFixed(0).padStart(7)} req/s (${viaGateway.failed} failed)`,
    );
    console.log(
      `  bare node:http${viaBare.perSecond.toFixed(0).padStart(7)} req/s (${viaBare.failed} failed)`,
    );
    console.log(`  gateway / bare ${(viaGateway.perSecond / viaBare.perSecond).toFixed(2)}`);

    const { rows } = await db.database.sql.query<{ id: number }>(
      'SELECT id FROM datastream ORDER BY id LIMIT 1',
    );
    const datastreamId = rows[0]?.id ?? 1;
    for (const subscribers of subscriberCounts) {
      let startPublishing: (child: ChildProcess) => void = () => {};
      const ready = new Promise<ChildProcess>((resolve) => {
        startPublishing = resolve;
      });
      const crowd = startChild({ kind: 'subscribe', url: gatewayUrl, subscribers }, startPublishing);
      const subscriberProcess = await ready;
      // Ingest sends one NOTIFY per commit; here a commit every 10 ms carrying rate/100 readings,
      // each stamped with its send time (milliseconds since the epoch) as its value.
      const perTick = Math.max(1, Math.round(rate / 100));
      const ticks = fanoutSeconds * 100;
      let sent = 0;
      const started = performance.now();
      for (let tick = 0; tick < ticks; tick++) {
        const due = started + tick * 10;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const stamp = performance.timeOrigin + performance.now();
        const readings = Array.from({ length: perTick }, (_, i) => ({
          datastreamId,
          time: new Date(Date.now() + (sent + i)).toISOString(),
          value: stamp,
        }));
        sent += perTick;
        await notifyReadingsCommitted(db.database.sql, readings);
      }
      const achieved = sent / ((performance.now() - started) / 1000);
      // Events still on their way arrive within this grace period, or count as not received.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      subscriberProcess.send('stop');
      const result = (await crowd) as { received: number; p50: number; p99: number; max: number };
      console.log(
        `fan-out to ${subscribers} subscribers at ${achieved.toFixed(0)} readings/s: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms; received ${result.received}/${sent * subscribers}`,
      );
    }
  } finally {
    bare.close();
    gatewayServer.closeAllConnections();
    gatewayServer.close();
    await gateway.stop();
    await db.drop();
  }
}
