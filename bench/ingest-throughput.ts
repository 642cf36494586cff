#!/usr/bin/env node
// Side by side on one private Mosquitto (infra/ queue and inflight settings) and the local
// PostgreSQL: (1) a bare mqtt.js QoS 1 subscriber, (2) the ingest pipeline (QoS 1, ack after
// commit, N connections in a shared-subscription group), (3) a raw COPY of the same readings,
// then (4) publish-to-commit latency at a fixed rate.
// Usage: node bench/ingest-throughput.ts [--messages N] [--batch B] [--connections C] [--rate R] [--commits K]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { READINGS_SUBSCRIPTION, readingsTopic } from '@bisa/contract/topics.ts';
import { createTestDatabase } from '@bisa/db/testing.ts';
import { createIngestWorker } from '@bisa/ingest/ingest-worker.ts';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '4000' },
    batch: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    rate: { type: 'string', default: '5000' },
    commits: { type: 'string', default: '1' },
    'latency-seconds': { type: 'string', default: '4' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: node bench/ingest-throughput.ts [--messages 4000] [--batch 10 readings/message] [--connections 8] [--rate 5000 msg/s] [--latency-seconds 4] [--commits 1 batches committed at a time]\nNeeds PostgreSQL (DATABASE_URL or 127.0.0.1:5432), mosquitto and psql on PATH.',
  );
  process.exit(0);
}
const messages = Number(values.messages);
const batch = Number(values.batch);
const connections = Number(values.connections);
const rate = Number(values.rate);
const commits = Number(values.commits);
const latencySeconds = Number(values['latency-seconds']);
const DEVICES = ['masamba-river-01', 'baliase-river-01'];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

// A private broker with the production queue and inflight limits (the shared one keeps the
// default max_queued_messages 1000 and would drop the backlog).
const dir = await mkdtemp(path.join(tmpdir(), 'bisa-bench-'));
const port = await freePort();
await writeFile(
  path.join(dir, 'mosquitto.conf'),
  `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 3000000\nmax_inflight_messages 512\npersistence false\n`,
);
const broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
const url = `mqtt://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    await (await mqtt.connectAsync(url, { reconnectPeriod: 0 })).endAsync();
    break;
  } catch (error) {
    if (i > 100) throw error;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const db = await createTestDatabase();

// CPU time, which other work on a shared machine disturbs far less than wall time: this process
// (publishers, subscriber, ingest), the broker, and the PostgreSQL backends of the test database.
/** User + system CPU seconds of a local process, from /proc (Linux, 100 clock ticks a second). */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
interface CpuMark {
  node: number;
  broker: number;
  backends: Map<number, number>;
}
async function cpuMark(): Promise<CpuMark> {
  const { rows } = await db.database.sql.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  const usage = process.cpuUsage();
  return {
    node: (usage.user + usage.system) / 1e6,
    broker: processCpuSeconds(broker.pid),
    backends: new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)])),
  };
}
/** CPU milliseconds per 1,000 messages since `start` (a backend that exited meanwhile is not counted). */
async function cpuPerThousand(start: CpuMark, count: number): Promise<string> {
  const end = await cpuMark();
  let database = 0;
  for (const [pid, seconds] of end.backends) database += seconds - (start.backends.get(pid) ?? 0);
  const per = (seconds: number) => ((seconds * 1000 * 1000) / count).toFixed(0);
  return `node ${per(end.node - start.node)}, broker ${per(end.broker - start.broker)}, postgres ${per(database)}`;
}
const ids = new Map<string, number>();
for (const device of DEVICES) {
  const { rows } = await db.database.sql.query<{ id: number }>(
    "SELECT id FROM datastream WHERE thing_id = $1 AND key = 'water_level'",
    [device],
  );
  ids.set(device, rows[0]?.id ?? 0);
}

let clock = Date.now() - 10 * 86_400_000;
/** Payloads with unique times: message i of device d carries `batch` readings. */
function payloads(count: number): { topic: string; body: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const device = DEVICES[i % DEVICES.length] ?? '';
    const readings = Array.from({ length: batch }, () => {
      clock += 1;
      return { time: new Date(clock).toISOString(), values: { water_level: i } };
    });
    return { topic: readingsTopic(device), body: JSON.stringify(batch === 1 ? readings[0] : readings) };
  });
}

const publishers: MqttClient[] = await Promise.all(
  Array.from({ length: 4 }, () => mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 5 })),
);
async function publishAll(list: { topic: string; body: string }[]): Promise<void> {
  await Promise.all(
    publishers.map(async (p, k) => {
      for (let i = k; i < list.length; i += publishers.length) {
        const m = list[i];
        if (m) await p.publishAsync(m.topic, m.body, { qos: 1 });
      }
    }),
  );
}
const waitUntil = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

// (1) Bare subscriber: QoS 1, acknowledging on receipt, doing nothing.
const bare = await mqtt.connectAsync(url, { clientId: 'bench-bare', clean: true, protocolVersion: 5 });
let bareReceived = 0;
bare.on('message', () => {
  bareReceived += 1;
});
await bare.subscribeAsync(READINGS_SUBSCRIPTION, { qos: 1 });
const bareLoad = payloads(messages);
let cpu = await cpuMark();
let start = performance.now();
await publishAll(bareLoad);
await waitUntil(() => bareReceived >= messages);
const bareSeconds = (performance.now() - start) / 1000;
const bareCpu = await cpuPerThousand(cpu, messages);
await bare.endAsync();

// (2) Ingest: C connections in a shared group, QoS 1, acknowledged after commit.
const worker = createIngestWorker({
  database: db.database,
  mqtt: { url, clientId: `bench-ingest-${process.pid}`, protocolVersion: 5, sessionExpirySeconds: 60 },
  connections,
  shareGroup: 'bench',
  concurrentCommits: commits,
  logger: pino({ level: 'silent' }),
});
await worker.start();
const ingestLoad = payloads(messages);
cpu = await cpuMark();
start = performance.now();
await publishAll(ingestLoad);
await waitUntil(() => worker.metrics().messagesAcknowledged >= messages);
const ingestSeconds = (performance.now() - start) / 1000;
const ingestCpu = await cpuPerThousand(cpu, messages);
const m = worker.metrics();
const stored = Number(
  (await db.database.sql.query<{ n: string }>('SELECT count(*) AS n FROM reading')).rows[0]?.n ?? 0,
);

// (3) Raw COPY of the same number of readings into the same table, through psql.
const rows: string[] = [];
for (let i = 0; i < messages * batch; i++) {
  clock += 1;
  rows.push(`${ids.get(DEVICES[i % 2] ?? '') ?? 0},${new Date(clock).toISOString()},${i}`);
}
start = performance.now();
await new Promise<void>((resolve, reject) => {
  const psql = spawn(
    'psql',
    [db.url, '-q', '-c', '\\copy reading (datastream_id, time, value) FROM STDIN WITH (FORMAT csv)'],
    {
      stdio: ['pipe', 'ignore', 'inherit'],
    },
  );
  psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
  psql.stdin.end(`${rows.join('\n')}\n`);
});
const copySeconds = (performance.now() - start) / 1000;

// (4) Latency: single-reading messages at a fixed rate, publish -> committed NOTIFY.
const committedAt = new Map<string, number>();
const stopListening = await db.database.sql.listen('bisa_readings_committed', (payload) => {
  const now = performance.now();
  for (const r of JSON.parse(payload) as { time: string }[]) committedAt.set(r.time, now);
});
const latencyTotal = rate * latencySeconds;
const publishedAt = new Map<string, number>();
const tickMs = 10;
const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
let sent = 0;
const begin = performance.now();
const pending: Promise<unknown>[] = [];
while (sent < latencyTotal) {
  const due = Math.min(latencyTotal, Math.floor(((performance.now() - begin) / 1000) * rate) + perTick);
  for (; sent < due; sent++) {
    clock += 1;
    const time = new Date(clock).toISOString();
    const device = DEVICES[sent % 2] ?? '';
    publishedAt.set(time, performance.now());
    const p = publishers[sent % publishers.length];
    if (p)
      pending.push(
        p.publishAsync(readingsTopic(device), JSON.stringify({ time, values: { water_level: sent } }), {
          qos: 1,
        }),
      );
  }
  await new Promise((r) => setTimeout(r, tickMs));
}
await Promise.all(pending);
await waitUntil(() => committedAt.size >= latencyTotal);
const achievedRate = latencyTotal / ((performance.now() - begin) / 1000);
const latencies = [...publishedAt]
  .map(([t, at]) => (committedAt.get(t) ?? Number.NaN) - at)
  .sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
const after = worker.metrics();

const fmt = (n: number) => n.toFixed(0);
console.log(
  `messages ${messages} x ${batch} readings, ${connections} ingest connections, ${commits} overlapping commits, ${publishers.length} publishers`,
);
console.log(
  `bare subscriber     ${fmt(messages / bareSeconds)} msg/s  (${fmt((messages * batch) / bareSeconds)} readings/s)`,
);
console.log(
  `ingest (ack/commit) ${fmt(messages / ingestSeconds)} msg/s  ${fmt((messages * batch) / ingestSeconds)} readings/s  ratio ${(bareSeconds / ingestSeconds).toFixed(2)}x bare  stored ${stored}/${messages * batch}  mean batch ${(m.batchSize.sum / Math.max(1, m.batchSize.count)).toFixed(1)} msg/commit`,
);
console.log(`CPU ms per 1,000 messages: bare ${bareCpu}; ingest ${ingestCpu}`);
console.log(`raw COPY            ${fmt((messages * batch) / copySeconds)} readings/s`);
console.log(
  `latency at ${rate} msg/s (achieved ${fmt(achievedRate)}): publish->commit ms p50 ${pct(50)} p95 ${pct(95)} p99 ${pct(99)} max ${pct(100)}; mean batch ${((after.batchSize.sum - m.batchSize.sum) / Math.max(1, after.batchSize.count - m.batchSize.count)).toFixed(1)}`,
);

await stopListening();
await worker.stop();
await Promise.all(publishers.map((p) => p.endAsync()));
await db.drop();
broker.kill();
await rm(dir, { recursive: true, force: true });
if (stored !== messages * batch) process.exitCode = 1;
