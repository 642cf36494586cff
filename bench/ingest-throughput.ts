#!/usr/bin/env node
// Side by side on one private Mosquitto (infra/ queue and inflight settings) and the local
// PostgreSQL: (1) a bare mqtt.js QoS 1 subscriber, (2) the ingest pipeline (QoS 1, ack after
// commit, N connections in a shared-subscription group), (3) a raw COPY of the same readings,
// then (4) publish-to-commit latency at a fixed rate. The publishers run in a child process
// (bench/ingest-publishers.ts), the same for every phase, as devices publish from elsewhere.
// Usage: node bench/ingest-throughput.ts [--messages N] [--batch B] [--connections C] [--rate R] [--commits K] [--trace-wal-sync]
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, constants as perf } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { READINGS_SUBSCRIPTION } from '@bisa/contract/topics.ts';
import type { QueryOptions, SqlClient } from '@bisa/db/sql-client.ts';
import { createTestDatabase } from '@bisa/db/testing.ts';
import { createIngestWorker } from '@bisa/ingest/ingest-worker.ts';
import { STORE_READINGS_STATEMENT } from '@bisa/ingest/repositories/readings.ts';
import mqtt from 'mqtt';
import pino from 'pino';
import type { Command, Reply } from './ingest-publishers.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '4000' },
    batch: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    rate: { type: 'string', default: '5000' },
    commits: { type: 'string', default: '1' },
    'latency-seconds': { type: 'string', default: '4' },
    'trace-wal-sync': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'Usage: node bench/ingest-throughput.ts [--messages 4000] [--batch 10 readings/message] [--connections 8] [--rate 5000 msg/s] [--latency-seconds 4] [--commits 1 batches committed at a time] [--trace-wal-sync: time every WAL fdatasync of the test database backends in the latency phase, with perf trace, as root]\nNeeds PostgreSQL (DATABASE_URL or 127.0.0.1:5432), mosquitto and psql on PATH.',
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
const PUBLISHER_CONNECTIONS = 4;
/** The clock both processes share, in milliseconds (publish times come from the publisher process). */
const now = () => performance.timeOrigin + performance.now();

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

// The publishers' process; every phase publishes through it the same way.
const publisherProcess = fork(
  new URL('./ingest-publishers.ts', import.meta.url),
  [url, String(PUBLISHER_CONNECTIONS), ...DEVICES],
  { execArgv: [] },
);
const replies: Reply[] = [];
let replied: (() => void) | undefined;
publisherProcess.on('message', (reply: Reply) => {
  replies.push(reply);
  replied?.();
});
publisherProcess.on('exit', (code) => {
  if (code !== 0) throw new Error(`the publisher process exited with ${code}`);
});
/** Waits for the publisher process's next reply of `kind` (replies come in the order of the commands). */
async function nextReply<K extends Reply['kind']>(kind: K): Promise<Extract<Reply, { kind: K }>> {
  while (replies.length === 0) await new Promise<void>((resolve) => (replied = resolve));
  const reply = replies.shift();
  if (reply?.kind !== kind) throw new Error(`publisher process replied ${reply?.kind}, expected ${kind}`);
  return reply as Extract<Reply, { kind: K }>;
}
const command = (c: Command) => publisherProcess.send(c);
await nextReply('ready');

// CPU time, which other work on a shared machine disturbs far less than wall time: this process
// (subscriber, ingest), the publishers' process, the broker, and the PostgreSQL backends of the test database.
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
  publishers: number;
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
    publishers: processCpuSeconds(publisherProcess.pid),
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
  return `node ${per(end.node - start.node)}, publishers ${per(end.publishers - start.publishers)}, broker ${per(end.broker - start.broker)}, postgres ${per(database)}`;
}
/**
 * Starts timing every fsync/fdatasync system call of the test database's backends (where
 * PostgreSQL flushes the WAL at commit with the default wal_sync_method) with `perf trace`,
 * which watches without stopping the processes. Resolves once perf runs; the returned function
 * ends it and gives the calls' durations in ms.
 */
async function traceWalSyncs(): Promise<() => Promise<number[]>> {
  const { rows } = await db.database.sql.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  const output = path.join(dir, 'wal-syncs.txt');
  const perfTrace = spawn(
    'perf',
    ['trace', '-e', 'fsync,fdatasync', '-o', output, '-p', rows.map((r) => r.pid).join(',')],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => perfTrace.once('exit', () => resolve()));
  // perf opens its output file once it is attached to every process.
  for (let i = 0; ; i++) {
    if (
      await access(output).then(
        () => true,
        () => false,
      )
    )
      break;
    if (perfTrace.exitCode !== null || i > 200)
      throw new Error('perf trace did not start (needs perf and root)');
    await new Promise((r) => setTimeout(r, 25));
  }
  return async () => {
    perfTrace.kill('SIGINT');
    await exited;
    // Lines such as "  12.345 ( 2.101 ms): postgres/1234 fdatasync(fd: 7) = 0".
    return [...(await readFile(output, 'utf8')).matchAll(/\(\s*([0-9.]+) ms\): \S+ f(?:data)?sync\(/g)].map(
      (match) => Number(match[1]),
    );
  };
}

const ids = new Map<string, number>();
for (const device of DEVICES) {
  const { rows } = await db.database.sql.query<{ id: number }>(
    "SELECT id FROM datastream WHERE thing_id = $1 AND key = 'water_level'",
    [device],
  );
  ids.set(device, rows[0]?.id ?? 0);
}

// Every phase takes its own range of reading times, one millisecond apart, so none repeats.
let clock = Date.now() - 10 * 86_400_000;
function takeTimes(count: number): number {
  const first = clock;
  clock += count;
  return first;
}
/** Has the publisher process build `count` messages of `batch` readings, ready for a burst. */
async function prepare(count: number): Promise<void> {
  command({ kind: 'prepare', count, batch, firstTime: takeTimes(count * batch) });
  await nextReply('prepared');
}
const waitUntil = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

// Warm-up: the publishers' code is compiled before the first measured phase, not during it
// (nobody subscribes yet, so the broker drops these).
await prepare(Math.min(messages, 2000));
command({ kind: 'burst' });
await nextReply('sent');

// (1) Bare subscriber: QoS 1, acknowledging on receipt, doing nothing.
const bare = await mqtt.connectAsync(url, { clientId: 'bench-bare', clean: true, protocolVersion: 5 });
let bareReceived = 0;
bare.on('message', () => {
  bareReceived += 1;
});
await bare.subscribeAsync(READINGS_SUBSCRIPTION, { qos: 1 });
await prepare(messages);
let cpu = await cpuMark();
let start = performance.now();
command({ kind: 'burst' });
await waitUntil(() => bareReceived >= messages);
const bareSeconds = (performance.now() - start) / 1000;
const bareCpu = await cpuPerThousand(cpu, messages);
await nextReply('sent');
await bare.endAsync();

/**
 * When each message of the latency phase passed each stage, by message: the nth has reading time
 * `firstTime` + n ms. Typed arrays, filled in place, so that the bookkeeping leaves next to
 * nothing for the garbage collector of the process under test (a Map keyed by time strings did).
 */
interface LatencyTrace {
  firstTime: number;
  receivedAt: Float64Array;
  commitStartedAt: Float64Array;
  commitEndedAt: Float64Array;
  notifiedAt: Float64Array;
  notified: number;
  /** Duration of each commit of readings, in ms. */
  commitMs: number[];
}
let trace: LatencyTrace | undefined;
const indexOf = (t: LatencyTrace, time: string | number) =>
  (typeof time === 'string' ? Date.parse(time) : time) - t.firstTime;

// (2) Ingest: C connections in a shared group, QoS 1, acknowledged after commit. During the
// latency phase the bench records when each message reached ingest and when the commit of its
// readings began and ended, to break every message's latency into its stages.
const tracedSql: SqlClient = {
  ...db.database.sql,
  async query<Row>(text: string, params?: readonly unknown[], options?: QueryOptions) {
    const t = trace;
    if (!t || options?.name !== STORE_READINGS_STATEMENT)
      return db.database.sql.query<Row>(text, params, options);
    const start = now();
    const result = await db.database.sql.query<Row>(text, params, options);
    const end = now();
    t.commitMs.push(end - start);
    // The second parameter lists the readings' times in epoch ms: {t1,t2,...} (readings.ts).
    for (const ms of String(params?.[1]).slice(1, -1).split(',')) {
      const n = indexOf(t, Number(ms));
      t.commitStartedAt[n] = start;
      t.commitEndedAt[n] = end;
    }
    return result;
  },
};
const worker = createIngestWorker({
  database: { ...db.database, sql: tracedSql },
  onReceived: (message) => {
    const at = now();
    if (trace)
      trace.receivedAt[indexOf(trace, (JSON.parse(message.payload.toString()) as { time: string }).time)] =
        at;
  },
  mqtt: { url, clientId: `bench-ingest-${process.pid}`, protocolVersion: 5, sessionExpirySeconds: 60 },
  connections,
  shareGroup: 'bench',
  concurrentCommits: commits,
  logger: pino({ level: 'silent' }),
});
await worker.start();
await prepare(messages);
cpu = await cpuMark();
start = performance.now();
command({ kind: 'burst' });
await waitUntil(() => worker.metrics().messagesAcknowledged >= messages);
const ingestSeconds = (performance.now() - start) / 1000;
const ingestCpu = await cpuPerThousand(cpu, messages);
await nextReply('sent');
const m = worker.metrics();
const stored = Number(
  (await db.database.sql.query<{ n: string }>('SELECT count(*) AS n FROM reading')).rows[0]?.n ?? 0,
);

// (3) Raw COPY of the same number of readings into the same table, through psql, run by the
// publishers' process so that its CSV is not garbage in this one.
command({
  kind: 'copy',
  databaseUrl: db.url,
  datastreamIds: DEVICES.map((device) => ids.get(device) ?? 0),
  count: messages * batch,
  firstTime: takeTimes(messages * batch),
});
const { seconds: copySeconds } = await nextReply('copied');

// (4) Latency: single-reading messages at a fixed rate, publish -> committed NOTIFY. What else
// happens meanwhile is recorded too, for the p99: pauses of this process's garbage collector,
// checkpoints and autovacuum of the test database.
const latencyTotal = rate * latencySeconds;
const stopListening = await db.database.sql.listen('bisa_readings_committed', (payload) => {
  const at = now();
  const t = trace;
  if (!t) return;
  for (const r of JSON.parse(payload) as { time: string }[]) {
    const n = indexOf(t, r.time);
    if (n >= 0 && n < latencyTotal && Number.isNaN(t.notifiedAt[n])) {
      t.notifiedAt[n] = at;
      t.notified += 1;
    }
  }
});
const GC_KINDS = new Map([
  [perf.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [perf.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perf.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [perf.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
]);
const gcPauses: { ms: number; kind: string }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    gcPauses.push({ ms: entry.duration, kind: GC_KINDS.get(kind ?? -1) ?? 'other' });
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
const maintenance = async () =>
  (
    await db.database.sql.query<{ checkpoints: string; vacuums: string; analyzes: string }>(
      `SELECT (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS checkpoints,
              (SELECT coalesce(sum(autovacuum_count), 0) FROM pg_stat_user_tables) AS vacuums,
              (SELECT coalesce(sum(autoanalyze_count), 0) FROM pg_stat_user_tables) AS analyzes`,
    )
  ).rows[0];
const maintenanceBefore = await maintenance();
const heapBeforeMb = process.memoryUsage().heapUsed / 2 ** 20;
/** Page cache the kernel has still to write (Dirty + Writeback of /proc/meminfo), in MB: the WAL fsync of each commit waits behind it. */
const unwrittenMb = () =>
  readFileSync('/proc/meminfo', 'utf8')
    .split('\n')
    .filter((line) => /^(Dirty|Writeback):/.test(line))
    .reduce((sum, line) => sum + Number(line.split(/\s+/)[1] ?? 0), 0) / 1024;
const unwrittenBeforeMb = unwrittenMb();
const readingTableMb =
  Number(
    (await db.database.sql.query<{ bytes: string }>("SELECT pg_total_relation_size('reading') AS bytes"))
      .rows[0]?.bytes ?? 0,
  ) /
  2 ** 20;
const walSyncMethod = (await db.database.sql.query<{ wal_sync_method: string }>('SHOW wal_sync_method'))
  .rows[0]?.wal_sync_method;
const stopWalSyncTrace = values['trace-wal-sync'] ? await traceWalSyncs() : undefined;
// It samples on a timer every LOOP_SAMPLE_MS and records the time between samples: the delay is what exceeds that.
const LOOP_SAMPLE_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
const loopDelayMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - LOOP_SAMPLE_MS).toFixed(1);
loopDelay.enable();
const latencyFirstTime = takeTimes(latencyTotal);
const stages = () => new Float64Array(latencyTotal).fill(Number.NaN);
const t: LatencyTrace = {
  firstTime: latencyFirstTime,
  receivedAt: stages(),
  commitStartedAt: stages(),
  commitEndedAt: stages(),
  notifiedAt: stages(),
  notified: 0,
  commitMs: [],
};
trace = t;
const latencyCpuStart = await cpuMark();
const begin = now();
command({ kind: 'rate', rate, total: latencyTotal, firstTime: latencyFirstTime });
const { handedAt, ackedAt, tickLateMs, tickBusyMs } = await nextReply('rated');
await waitUntil(() => t.notified >= latencyTotal);
const achievedRate = latencyTotal / ((now() - begin) / 1000);
const latencyCpu = await cpuPerThousand(latencyCpuStart, latencyTotal);
trace = undefined;
loopDelay.disable();
const walSyncMs = Float64Array.from((await stopWalSyncTrace?.()) ?? []).sort();
gcObserver.disconnect();
const maintenanceAfter = await maintenance();
const maintenanceDuring = (key: 'checkpoints' | 'vacuums' | 'analyzes') =>
  Number(maintenanceAfter?.[key] ?? 0) - Number(maintenanceBefore?.[key] ?? 0);
const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(1);
const at = (times: ArrayLike<number>, n: number) => times[n] ?? Number.NaN;
// The stages of each message: handed to its publisher, received by ingest, its commit started
// and ended, its NOTIFY seen here. The broker's PUBACK back at the publisher is a side path.
const STAGES: [name: string, of: (n: number) => number][] = [
  ['publish->PUBACK at the publisher (aside)', (n) => at(ackedAt, n) - at(handedAt, n)],
  ['publish->ingest receipt', (n) => at(t.receivedAt, n) - at(handedAt, n)],
  ['receipt->commit start (queued)', (n) => at(t.commitStartedAt, n) - at(t.receivedAt, n)],
  ['commit start->end', (n) => at(t.commitEndedAt, n) - at(t.commitStartedAt, n)],
  ['commit end->NOTIFY seen', (n) => at(t.notifiedAt, n) - at(t.commitEndedAt, n)],
];
const latencyOf = (n: number) => at(t.notifiedAt, n) - at(handedAt, n);
const messagesOf = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const everyMessage = messagesOf(0, latencyTotal);
const sortedOf = (list: readonly number[], of: (n: number) => number) => Float64Array.from(list, of).sort();
const latencies = sortedOf(everyMessage, latencyOf);
const pct = (p: number) => percentile(latencies, p);
const p99Ms = Number(pct(99));
/** The messages at or above the p99: where their time went is what the tail is made of. */
const slowest = everyMessage.filter((n) => latencyOf(n) >= p99Ms);
const mean = (values: readonly number[]) => values.reduce((a, v) => a + v, 0) / Math.max(1, values.length);
// p99 of each second of the run, in publishing order: a slow start points at what the phases
// before left behind, spikes spread out at something recurring.
const perSecondP99 = (of: (n: number) => number) =>
  Array.from({ length: latencySeconds }, (_, second) =>
    percentile(sortedOf(messagesOf(second * rate, Math.min(latencyTotal, (second + 1) * rate)), of), 99),
  ).join(', ');
const stageLines = STAGES.map(([name, of]) => {
  const sorted = sortedOf(everyMessage, of);
  return `  ${name.padEnd(40)} p50 ${percentile(sorted, 50)} p90 ${percentile(sorted, 90)} p99 ${percentile(sorted, 99)} max ${percentile(sorted, 100)}; slowest 1% mean ${mean(slowest.map(of)).toFixed(1)}; p99 per second ${perSecondP99(of)}`;
});
const commitMs = Float64Array.from(t.commitMs).sort();
const after = worker.metrics();

const fmt = (n: number) => n.toFixed(0);
console.log(
  `messages ${messages} x ${batch} readings, ${connections} ingest connections, ${commits} overlapping commits, ${PUBLISHER_CONNECTIONS} publishers (in their own process)`,
);
console.log(
  `bare subscriber     ${fmt(messages / bareSeconds)} msg/s  (${fmt((messages * batch) / bareSeconds)} readings/s)`,
);
console.log(
  `ingest (ack/commit) ${fmt(messages / ingestSeconds)} msg/s  ${fmt((messages * batch) / ingestSeconds)} readings/s  ratio ${(bareSeconds / ingestSeconds).toFixed(2)}x bare  stored ${stored}/${messages * batch}  mean batch ${(m.batchSize.sum / Math.max(1, m.batchSize.count)).toFixed(1)} msg/commit`,
);
console.log(`CPU ms per 1,000 messages: bare ${bareCpu}; ingest ${ingestCpu}; latency phase ${latencyCpu}`);
console.log(`raw COPY            ${fmt((messages * batch) / copySeconds)} readings/s`);
const gcSummary = (pauses: { ms: number }[]) =>
  `${pauses.length} (total ${pauses.reduce((a, p) => a + p.ms, 0).toFixed(1)} ms, longest ${Math.max(0, ...pauses.map((p) => p.ms)).toFixed(1)} ms)`;
const latencyCommits = after.commitSeconds.count - m.commitSeconds.count;
console.log(
  `before the latency run: heap used ${heapBeforeMb.toFixed(0)} MB, reading table and indexes ${readingTableMb.toFixed(0)} MB, page cache not yet on disk ${unwrittenBeforeMb.toFixed(0)} MB`,
);
console.log(
  `during the latency run: GC in this process (incremental marking: start to end, not one pause): ${[...new Set(gcPauses.map((p) => p.kind))].map((kind) => `${kind} ${gcSummary(gcPauses.filter((p) => p.kind === kind))}`).join(', ')}; mean commit ${(((after.commitSeconds.sum - m.commitSeconds.sum) / Math.max(1, latencyCommits)) * 1000).toFixed(2)} ms over ${latencyCommits} commits; checkpoints (whole server) ${maintenanceDuring('checkpoints')}, autovacuums ${maintenanceDuring('vacuums')}, autoanalyzes ${maintenanceDuring('analyzes')}; p99 per second ${perSecondP99(latencyOf)} ms`,
);
console.log(
  `latency at ${rate} msg/s (achieved ${fmt(achievedRate)}): publish->commit ms p50 ${pct(50)} p95 ${pct(95)} p99 ${pct(99)} max ${pct(100)}; mean batch ${((after.batchSize.sum - m.batchSize.sum) / Math.max(1, after.batchSize.count - m.batchSize.count)).toFixed(1)}`,
);
const sortedTicks = Float64Array.from(tickLateMs).sort();
const sortedBusy = Float64Array.from(tickBusyMs).sort();
if (stopWalSyncTrace) {
  const total = walSyncMs.reduce((a, ms) => a + ms, 0);
  console.log(
    `WAL flushes of the test database's backends (perf trace, wal_sync_method ${walSyncMethod}): ${walSyncMs.length} fsync/fdatasync calls for ${commitMs.length} commits of readings, p50 ${percentile(walSyncMs, 50)} p90 ${percentile(walSyncMs, 90)} p99 ${percentile(walSyncMs, 99)} max ${percentile(walSyncMs, 100)} ms, over 10 ms ${walSyncMs.filter((ms) => ms > 10).length}; ${(
      (100 * total) /
        Math.max(
          1e-9,
          commitMs.reduce((a, ms) => a + ms, 0),
        )
    ).toFixed(0)}% of the commits' time`,
  );
}
console.log(
  `stages of each message (ms; the first is a round trip on the side, the other four add up to publish->commit):\n${stageLines.join('\n')}\n  commits of readings ${commitMs.length}: p50 ${percentile(commitMs, 50)} p99 ${percentile(commitMs, 99)} max ${percentile(commitMs, 100)} ms; event loop delay of this process p50 ${loopDelayMs(loopDelay.percentile(50))} p99 ${loopDelayMs(loopDelay.percentile(99))} max ${loopDelayMs(loopDelay.max)} ms; the publishers' 10 ms timer late by p50 ${percentile(sortedTicks, 50)} p99 ${percentile(sortedTicks, 99)} max ${percentile(sortedTicks, 100)} ms, a tick's messages handed over (written at its end) in p50 ${percentile(sortedBusy, 50)} p99 ${percentile(sortedBusy, 99)} max ${percentile(sortedBusy, 100)} ms`,
);

await stopListening();
await worker.stop();
command({ kind: 'end' });
await new Promise((resolve) => publisherProcess.once('exit', resolve));
await db.drop();
broker.kill();
await rm(dir, { recursive: true, force: true });
if (stored !== messages * batch) process.exitCode = 1;
