#!/usr/bin/env node
// The standalone gateway over real HTTP (issue #4), on a scratch database of the local PostgreSQL:
//   1. requests/s of one dashboard query through the gateway (Yoga + Pothos + Prisma) against a
//      bare node:http handler that runs the same SQL and writes the same JSON, both loaded by
//      the same load generator in a second process, in alternating rounds, each with its ratio;
//   2. committed-reading fan-out: readings NOTIFYed the way ingest commits them, at a fixed rate,
//      by a publisher process of their own, and the time until each subscriber's server-sent
//      event arrives, with S subscribers (one SSE connection each) in a third process: first
//      with every subscriber taking every reading (the worst case), then with each following
//      one quick win or one datastream, readings spread over all seeded datastreams.
// Each phase also reports the CPU time its processes used (where the time goes): the gateway's
// process, the load generator or subscribers, the publisher and the PostgreSQL backends.
// Usage: node bench/gateway-http.ts --help
import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { notifyReadingsCommitted } from '@bisa/db/notifications.ts';
import { createPgSqlClient, type SqlQueryable } from '@bisa/db/sql-client.ts';
import { createTestDatabase } from '@bisa/db/testing.ts';
import { createGateway } from '@bisa/gateway/gateway.ts';
import { createGatewayServer } from '@bisa/gateway/http.ts';
import { globalId } from '@bisa/gateway/testing.ts';
import pino from 'pino';

const USAGE = `Usage: node bench/gateway-http.ts [options]

  --rounds N         rounds of the request-rate phase (default 5): each runs the gateway and
                     the bare handler for --seconds each, back to back, the order swapped
                     every round, and gives one gateway/bare ratio
  --seconds N        length of each request-rate run, one server in one round (default 4)
  --concurrency N    requests in flight from the load generator (default 32)
  --rate N           readings per second in the fan-out runs (default 5000)
  --subscribers L    comma-separated subscriber counts for the fan-out runs in which every
                     subscriber takes every reading (the headline; default 10,1000; none
                     skips them, for the request rate alone)
  --scoped-subscribers L
                     subscriber counts for the second fan-out runs, in which each subscriber
                     follows one quick win or one datastream (default 1000; none skips them)
  --fanout-seconds N length of each fan-out run (default 10)
  --requests-during-fanout N
                     also load the gateway with the request-rate query, N in flight, during
                     each fan-out run, and print the rate it kept (default none: it changes
                     the fan-out figures, so they are not comparable with runs without it)

Needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432). Prints each round's requests/s, server
CPU per request and gateway/bare ratio, and the medians with their ranges over the rounds,
then for each fan-out run the publish-to-event latency p50/p99/max, each with the CPU time of
the processes involved (PostgreSQL's backends read from /proc, Linux only).`;

/** What every subscriber of the headline fan-out runs asks: every reading. */
const EVERY_READING = 'subscription { readingsCommitted { value } }';
/** What every subscriber of the second fan-out run asks: one quick win's or one datastream's readings. */
const ONE_FOLLOWED =
  'subscription ($programmeId: ID, $datastreamIds: [ID!]) { readingsCommitted(programmeId: $programmeId, datastreamIds: $datastreamIds) { value } }';

/** A fan-out run ends once its crowd has received nothing more for this long. */
const DRAIN_QUIET_MS = 3000;

/** Load before each measured request-rate run, not counted: the first requests compile code paths. */
const WARM_UP_SECONDS = 2;

// The second process: a load generator or a crowd of subscribers, told what to do by the parent.
if (process.argv[2] === '--child') {
  process.once('message', (task: ChildTask) => {
    const run = { load: runLoad, subscribe: runSubscribers, publish: runPublisher }[task.kind] as (
      task: ChildTask,
    ) => Promise<unknown>;
    void run(task).then((result) => {
      process.send?.(result, () => process.exit(0));
    });
  });
} else {
  await main();
}

type ChildTask =
  | { kind: 'load'; url: string; body: string; seconds: number; concurrency: number }
  | { kind: 'subscribe'; url: string; subscriptions: SubscriptionRequest[] }
  | { kind: 'publish'; databaseUrl: string; datastreamIds: number[]; rate: number; seconds: number };

/**
 * One subscriber's request. It must select `readingsCommitted { value }` and nothing else: the
 * crowd counts the readings of most streams from the length of each event (see countEvents).
 */
interface SubscriptionRequest {
  query: string;
  variables?: Record<string, unknown>;
}

/** CPU time (user + system) this process has used, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Ingest sends one NOTIFY per commit; here a commit every 10 ms carrying rate/100 readings, each
 * stamped with its send time (whole microseconds since the epoch) as its value, and each of the given
 * datastreams in turn (reading n of the run to datastreamIds[n % length]). In a process of its
 * own, so the offered rate does not depend on how busy the gateway is; a tick that comes late
 * is sent at once (the rate is kept, not lowered).
 */
async function runPublisher(task: Extract<ChildTask, { kind: 'publish' }>) {
  const sql = createPgSqlClient(task.databaseUrl, { maxConnections: 1 });
  const cpuBefore = cpuMs();
  const perTick = Math.max(1, Math.round(task.rate / 100));
  const ticks = task.seconds * 100;
  let sent = 0;
  let late = 0;
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const wait = started + tick * 10 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (wait < -10) late += 1;
    const stamp = Math.round((performance.timeOrigin + performance.now()) * 1000);
    const readings = Array.from({ length: perTick }, (_, i) => ({
      datastreamId: task.datastreamIds[(sent + i) % task.datastreamIds.length] ?? 0,
      time: new Date(Date.now() + (sent + i)).toISOString(),
      value: stamp,
    }));
    sent += perTick;
    await notifyReadingsCommitted(sql, readings);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs() - cpuBefore;
  await sql.close();
  return { sent, perSecond: sent / seconds, lateTicks: late, cpuMs: cpu };
}

/**
 * CPU time of this database's PostgreSQL backends so far, in milliseconds, by process id (from
 * /proc; empty where that cannot be read). A backend that ended during a phase is not counted.
 */
async function postgresCpuMs(sql: SqlQueryable): Promise<Map<number, number>> {
  const { rows } = await sql.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const times = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerMs);
    } catch {
      // Not on Linux, or the backend is gone: not counted.
    }
  }
  return times;
}

/** CPU the gateway's process and the PostgreSQL backends use while `work` runs. */
async function measuredCpu<T>(sql: SqlQueryable, work: () => Promise<T>) {
  const postgresBefore = await postgresCpuMs(sql);
  const before = cpuMs();
  const result = await work();
  const gatewayMs = cpuMs() - before;
  let postgresMs = 0;
  for (const [pid, ms] of await postgresCpuMs(sql)) postgresMs += ms - (postgresBefore.get(pid) ?? 0);
  return { result, gatewayMs, postgresMs };
}

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
  const cpuBefore = cpuMs();
  await Promise.all(Array.from({ length: task.concurrency }, lane));
  return { completed, failed, perSecond: completed / task.seconds, cpuMs: cpuMs() - cpuBefore };
}

/** Streams of a crowd that time every reading they receive; the others only count them. */
const TIMED_SUBSCRIBERS = 100;

/** Latencies at 0.1 ms resolution up to a minute: percentiles of millions of events in fixed memory. */
const HISTOGRAM_STEP_MS = 0.1;
const HISTOGRAM_SIZE = 600_000;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Every stream of a crowd reads into this one buffer: a read is handled in full before the next
 * starts, so no stream needs its bytes to stay there afterwards.
 */
const readBuffer = Buffer.alloc(256 * 1024);

/**
 * Opens one server-sent event stream on a plain TCP socket and hands on its body as it is read
 * from the socket (`onBody`, with the time of that read), its HTTP/1.1 chunked framing removed.
 * Not node:http, and no `data` events: node:http's parser and response stream, and a stream's
 * buffer and event per read, cost the crowd more than the read itself. One process here reads
 * the streams of 1,000 screens that would each have a machine of their own, on the gateway's
 * machine, so what it spends on a read is taken from the gateway (docs/benchmarks.md).
 */
function openEventStream(
  url: URL,
  subscription: SubscriptionRequest,
  onBody: (bytes: Buffer, from: number, end: number, readAt: number) => void,
): Promise<Socket> {
  const body = Buffer.from(JSON.stringify(subscription));
  const head = Buffer.from(
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      `Accept: text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let responseHead = Buffer.alloc(0);
    let readBody: ((bytes: Buffer, from: number, end: number, readAt: number) => void) | undefined;
    // Returns true: go on reading.
    const onRead = (length: number) => {
      const readAt = performance.timeOrigin + performance.now();
      if (readBody) {
        readBody(readBuffer, 0, length, readAt);
        return true;
      }
      responseHead = Buffer.concat([responseHead, readBuffer.subarray(0, length)]);
      const headEnd = responseHead.indexOf('\r\n\r\n');
      if (headEnd < 0) return true;
      const text = responseHead.subarray(0, headEnd).toString('latin1');
      if (!text.startsWith('HTTP/1.1 200 ') || !/\r\ntransfer-encoding: *chunked\r?$/im.test(text)) {
        socket.destroy();
        reject(new Error(`subscription refused: ${text.split('\r\n')[0]}`));
        return false;
      }
      readBody = chunkedBody(onBody, () => socket.end());
      readBody(responseHead, headEnd + 4, responseHead.length, readAt);
      resolve(socket);
      return true;
    };
    const socket = connect({
      port: Number(url.port),
      host: url.hostname,
      onread: { buffer: readBuffer, callback: onRead },
    });
    socket.on('error', reject);
    socket.write(Buffer.concat([head, body]));
  });
}

/**
 * Removes HTTP/1.1 chunked framing (`<size in hex>[;extensions]\r\n<data>\r\n`, ended by a chunk
 * of size 0) from a body read in pieces of any length.
 */
function chunkedBody(
  onData: (bytes: Buffer, from: number, end: number, readAt: number) => void,
  onEnd: () => void,
): (bytes: Buffer, from: number, end: number, readAt: number) => void {
  let size = 0; // the size line read so far
  let inExtension = false;
  let dataLeft = 0; // of the chunk being read
  let crlfLeft = 0; // after a chunk's data
  return (bytes, from, end, readAt) => {
    for (let at = from; at < end; ) {
      if (dataLeft > 0) {
        const dataEnd = Math.min(end, at + dataLeft);
        onData(bytes, at, dataEnd, readAt);
        dataLeft -= dataEnd - at;
        at = dataEnd;
        if (dataLeft === 0) crlfLeft = 2;
        continue;
      }
      const byte = bytes[at++] ?? 0;
      if (crlfLeft > 0) {
        crlfLeft -= 1;
        continue;
      }
      if (byte === LF) {
        if (size === 0) {
          onEnd();
          return;
        }
        dataLeft = size;
        size = 0;
        inExtension = false;
      } else if (byte === CR || inExtension) {
        // nothing to add to the size
      } else if (byte === 0x3b /* ; */) {
        inExtension = true;
      } else {
        const digit = Number.parseInt(String.fromCharCode(byte), 16);
        if (Number.isNaN(digit)) throw new Error(`a chunk size holds the byte ${byte}`);
        size = size * 16 + digit;
      }
    }
  };
}

/**
 * Counts the events and readings of a stream from the lengths of its `data:` lines, without
 * decoding it: in `readingsCommitted { value }` each reading is `{"value":<stamp>}`, and a stamp
 * in whole microseconds has 16 digits (until the year 2286), so every reading takes the same
 * bytes. A line of any other length means the assumption broke, and the run stops. With `onStamp`
 * it also reads each reading's stamp from its digits, which sit at fixed places in the line, and
 * hands it on with the time of the socket read that brought the end of the line.
 */
function eventReader(
  totals: { events: number; received: number },
  onStamp?: (stampMicros: number, readAt: number) => void,
): (bytes: Buffer, from: number, end: number, readAt: number) => void {
  const dataLine = 'd'.charCodeAt(0);
  const dataPrefix = 'data: '.length;
  const perEvent = '{"data":{"readingsCommitted":[]}}'.length;
  const listStart = 'data: {"data":{"readingsCommitted":['.length;
  const perReading = '{"value":1764547200000000},'.length; // the last one has no comma
  const digitsStart = '{"value":'.length;
  const digitsEnd = digitsStart + '1764547200000000'.length;
  const stamps: number[] = [];
  let stamp = 0;
  let lineLength = 0;
  let lineStart = -1; // the line's first byte, once it has arrived
  const readStamps = (bytes: Buffer, from: number, end: number) => {
    for (let at = from; at < end; ) {
      const inList = lineLength + (at - from) - listStart;
      const inReading = inList < 0 ? inList : inList % perReading;
      if (inReading < digitsStart || inReading >= digitsEnd) {
        // Skip to the next digit (or to the end of these bytes).
        const toDigits =
          inReading < digitsStart ? digitsStart - inReading : perReading - inReading + digitsStart;
        at += toDigits;
        continue;
      }
      const digit = (bytes[at] ?? 0) - 0x30;
      if (digit < 0 || digit > 9) throw new Error(`a reading's value holds the byte ${bytes[at]}`);
      stamp = stamp * 10 + digit;
      if (inReading === digitsEnd - 1) {
        stamps.push(stamp);
        stamp = 0;
      }
      at += 1;
    }
  };
  return (bytes, from, end, readAt) => {
    for (let at = from; ; ) {
      if (lineStart < 0 && at < end) lineStart = bytes[at] ?? -1;
      const newline = bytes.indexOf(LF, at);
      const lineEnd = newline < 0 || newline >= end ? end : newline;
      if (onStamp && lineStart === dataLine) readStamps(bytes, at, lineEnd);
      lineLength += lineEnd - at;
      if (lineEnd === end) return;
      if (lineStart === dataLine) {
        const readings = (lineLength - dataPrefix - perEvent + 1) / perReading;
        if (!Number.isInteger(readings) || readings < 1 || (onStamp && stamps.length !== readings))
          throw new Error(`an event of ${lineLength} bytes is not a list of readings { value }`);
        totals.events += 1;
        totals.received += readings;
        for (const each of stamps) onStamp?.(each, readAt);
        stamps.length = 0;
      }
      lineLength = 0;
      lineStart = -1;
      at = lineEnd + 1;
    }
  };
}

async function runSubscribers(task: Extract<ChildTask, { kind: 'subscribe' }>) {
  const histogram = new Uint32Array(HISTOGRAM_SIZE);
  const totals = { events: 0, received: 0 };
  let max = 0;
  let timed = 0;
  const subscribers = task.subscriptions.length;
  const timedEvery = Math.max(1, Math.floor(subscribers / TIMED_SUBSCRIBERS));
  // The latency of a reading: from its send time to the socket read that brought it here.
  const record = (stampMicros: number, readAt: number) => {
    const ms = readAt - stampMicros / 1000;
    timed += 1;
    max = Math.max(max, ms);
    const slot = Math.min(HISTOGRAM_SIZE - 1, Math.max(0, Math.floor(ms / HISTOGRAM_STEP_MS)));
    histogram[slot] = (histogram[slot] ?? 0) + 1;
  };
  const url = new URL(task.url);
  // One process stands in for all the screens, so decoding every reading of 1,000 streams
  // would make it the bottleneck being measured: about 100 evenly spread streams read the
  // stamps of their readings, the others count their events and readings from the bytes.
  const streams = await Promise.all(
    task.subscriptions.map((subscription, index) =>
      openEventStream(url, subscription, eventReader(totals, index % timedEvery === 0 ? record : undefined)),
    ),
  );
  process.send?.({ ready: true });
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  // The parent asks how many readings have arrived, and says when to stop.
  process.on('message', (message: 'progress' | 'stop') => {
    if (message === 'progress') process.send?.({ progress: totals.received });
    else for (const stream of streams) stream.destroy();
  });
  await Promise.all(
    streams.map(
      // Closed by the parent's stop, or reset if the gateway went first: either way, done.
      (stream) => new Promise((resolve) => stream.once('close', resolve)),
    ),
  );
  const { user, system } = process.cpuUsage(cpuBefore);
  const percentile = (p: number) => {
    const rank = Math.ceil((p / 100) * timed);
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_SIZE; i++) {
      seen += histogram[i] ?? 0;
      if (seen >= rank) return (i + 1) * HISTOGRAM_STEP_MS;
    }
    return Number.NaN;
  };
  return {
    ...totals,
    timedStreams: Math.ceil(subscribers / timedEvery),
    p50: percentile(50),
    p99: percentile(99),
    max,
    cpuMs: (user + system) / 1000,
    systemMs: system / 1000,
    loopBusy: performance.eventLoopUtilization(loopBefore).utilization,
  };
}

function startChild(
  task: ChildTask,
  onReady?: (child: ChildProcess) => void,
  onProgress?: (received: number) => void,
): Promise<Record<string, unknown>> {
  const child: ChildProcess = fork(new URL(import.meta.url), ['--child'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('message', (message: Record<string, unknown>) => {
      if (message.ready) onReady?.(child);
      else if (typeof message.progress === 'number') onProgress?.(message.progress);
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

/** The middle value (the mean of the middle two for an even count) and the range. */
function spread(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[Math.floor(middle)] ?? 0);
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

interface RateRun {
  perSecond: number;
  /** CPU time of the server's process (this one) per completed request, µs. */
  serverUs: number;
}

/**
 * Request rate of two servers answering the same query, in alternating runs of `seconds`: the
 * machine's speed drifts by more between two runs a minute apart than the servers differ by
 * (docs/benchmarks.md, requests 4), so each round runs both, back to back, and is judged by its
 * own ratio. The order swaps every round, so neither server always runs first in a pair.
 */
async function compareRequestRates(
  servers: readonly [readonly [string, string], readonly [string, string]],
  run: { body: string; query: string; seconds: number; concurrency: number; rounds: number },
  sql: SqlQueryable,
) {
  const [[firstName], [secondName]] = servers;
  const { body, seconds, concurrency } = run;
  console.log(
    `request rate: ${run.query}, ${concurrency} in flight, ${run.rounds} rounds of ${seconds} s on each server, the order swapped every round`,
  );
  // Each server is warmed up once, not before every run: what it compiles then stays compiled.
  for (const [, url] of servers) {
    await startChild({ kind: 'load', url, body, seconds: WARM_UP_SECONDS, concurrency });
  }
  const rounds: Array<Map<string, RateRun>> = [];
  for (let round = 1; round <= run.rounds; round++) {
    const runs = new Map<string, RateRun>();
    for (const [name, url] of round % 2 === 1 ? servers : [...servers].reverse()) {
      const { result, gatewayMs, postgresMs } = await measuredCpu(sql, () =>
        startChild({ kind: 'load', url, body, seconds, concurrency }),
      );
      const load = result as { completed: number; perSecond: number; failed: number; cpuMs: number };
      const perRequest = (ms: number) => (1000 * ms) / Math.max(1, load.completed);
      runs.set(name, { perSecond: load.perSecond, serverUs: perRequest(gatewayMs) });
      console.log(
        `  round ${round} ${name.padEnd(14)}${load.perSecond.toFixed(0).padStart(7)} req/s (${load.failed} failed); CPU per request: server ${perRequest(gatewayMs).toFixed(0)} µs, PostgreSQL ${perRequest(postgresMs).toFixed(0)} µs, load generator ${perRequest(load.cpuMs).toFixed(0)} µs`,
      );
    }
    const first = runs.get(firstName) as RateRun;
    const second = runs.get(secondName) as RateRun;
    console.log(
      `  round ${round} ${firstName} / ${secondName} ${(first.perSecond / second.perSecond).toFixed(2)}, server CPU per request ${(first.serverUs / second.serverUs).toFixed(2)}x; load average ${(await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ', 3).join(' ')}`,
    );
    rounds.push(runs);
  }
  const of = (name: string, pick: (each: RateRun) => number) =>
    rounds.map((runs) => pick(runs.get(name) as RateRun));
  const ratios = (pick: (each: RateRun) => number) => {
    const firsts = of(firstName, pick);
    const againsts = of(secondName, pick);
    return spread(firsts.map((value, i) => value / (againsts[i] ?? 1)));
  };
  const show = ({ median, min, max }: ReturnType<typeof spread>, digits: number) =>
    `${median.toFixed(digits)} (${min.toFixed(digits)}-${max.toFixed(digits)})`;
  console.log(`  medians of ${run.rounds} rounds (range):`);
  for (const [name] of servers) {
    console.log(
      `    ${name.padEnd(14)} ${show(spread(of(name, (each) => each.perSecond)), 0)} req/s, server CPU per request ${show(spread(of(name, (each) => each.serverUs)), 0)} µs`,
    );
  }
  console.log(
    `    ${firstName} / ${secondName} ${show(
      ratios((each) => each.perSecond),
      2,
    )}; server CPU per request ${show(
      ratios((each) => each.serverUs),
      2,
    )}x`,
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      rate: { type: 'string', default: '5000' },
      subscribers: { type: 'string', default: '10,1000' },
      'fanout-seconds': { type: 'string', default: '10' },
      'scoped-subscribers': { type: 'string', default: '1000' },
      'requests-during-fanout': { type: 'string', default: 'none' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const rate = Number(values.rate);
  const fanoutSeconds = Number(values['fanout-seconds']);
  const subscriberCounts = values.subscribers === 'none' ? [] : values.subscribers.split(',').map(Number);
  const scopedCounts =
    values['scoped-subscribers'] === 'none' ? [] : values['scoped-subscribers'].split(',').map(Number);
  const probeInFlight =
    values['requests-during-fanout'] === 'none' ? [] : [Number(values['requests-during-fanout'])];
  const numbers = [
    seconds,
    rounds,
    concurrency,
    rate,
    fanoutSeconds,
    ...subscriberCounts,
    ...scopedCounts,
    ...probeInFlight,
  ];
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
  // The statement is named (planned once per connection) as the gateway's own is, so the two
  // sides differ in what lies between HTTP and SQL, not in how PostgreSQL is asked.
  const query = '{ dimensions { id sortOrder coordinator { acronym } } }';
  const body = JSON.stringify({ query });
  const bare = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      db.database.sql
        .query<{ id: string; sortOrder: number; acronym: string }>(
          `SELECT d.id, d.sort_order AS "sortOrder", a.acronym
             FROM dimension d JOIN agency a ON a.id = d.coordinator_agency_id ORDER BY d.sort_order`,
          [],
          { name: 'bench-bare-dimensions' },
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

  /** One fan-out run: a crowd subscribes, the publisher sends, the crowd reports what arrived. */
  async function fanOut(run: {
    label: string;
    subscriptions: SubscriptionRequest[];
    datastreamIds: number[];
    expected: (sent: number) => number;
  }) {
    const subscribers = run.subscriptions.length;
    let subscribed: (child: ChildProcess) => void = () => {};
    const ready = new Promise<ChildProcess>((resolve) => {
      subscribed = resolve;
    });
    let answered: (received: number) => void = () => {};
    const crowd = startChild(
      { kind: 'subscribe', url: gatewayUrl, subscriptions: run.subscriptions },
      subscribed,
      (received) => answered(received),
    );
    const subscriberProcess = await ready;
    const receivedSoFar = () =>
      new Promise<number>((resolve) => {
        answered = resolve;
        subscriberProcess.send('progress');
      });
    const started = performance.now();
    const gatewayLoopBefore = performance.eventLoopUtilization();
    const gatewayUsageBefore = process.cpuUsage();
    let drainSeconds = 0;
    const { result, gatewayMs } = await measuredCpu(db.database.sql, async () => {
      const probe = probeInFlight.map((inFlight) =>
        startChild({ kind: 'load', url: gatewayUrl, body, seconds: fanoutSeconds, concurrency: inFlight }),
      );
      const published = (await startChild({
        kind: 'publish',
        databaseUrl: db.url,
        datastreamIds: run.datastreamIds,
        rate,
        seconds: fanoutSeconds,
      })) as { sent: number; perSecond: number; lateTicks: number; cpuMs: number };
      // Readings still on their way are waited for: the run ends when all that was sent has
      // arrived, or when nothing more arrived for DRAIN_QUIET_MS. What is missing then was
      // dropped, not late.
      const sentAt = performance.now();
      const expected = run.expected(published.sent);
      let lastCount = -1;
      let lastGrowth = sentAt;
      for (let received = await receivedSoFar(); received < expected; received = await receivedSoFar()) {
        if (received > lastCount) {
          lastCount = received;
          lastGrowth = performance.now();
        } else if (performance.now() - lastGrowth >= DRAIN_QUIET_MS) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      drainSeconds = (performance.now() - sentAt) / 1000;
      for (const load of (await Promise.all(probe)) as { perSecond: number; failed: number }[])
        console.log(
          `  requests during the run: ${load.perSecond.toFixed(0)} req/s (${probeInFlight[0]} in flight, ${load.failed} failed)`,
        );
      return published;
    });
    const wall = (performance.now() - started) / 1000;
    const gatewaySystemMs = process.cpuUsage(gatewayUsageBefore).system / 1000;
    const gatewayLoopBusy = performance.eventLoopUtilization(gatewayLoopBefore).utilization;
    subscriberProcess.send('stop');
    const crowdResult = (await crowd) as {
      received: number;
      events: number;
      timedStreams: number;
      p50: number;
      p99: number;
      max: number;
      cpuMs: number;
      systemMs: number;
      loopBusy: number;
    };
    const cores = (ms: number) => `${(ms / 1000 / wall).toFixed(2)}`;
    console.log(
      `${run.label}, ${rate} readings/s offered (${result.perSecond.toFixed(0)} sent, ${result.lateTicks} late ticks): p50 ${crowdResult.p50.toFixed(1)} ms, p99 ${crowdResult.p99.toFixed(1)} ms, max ${crowdResult.max.toFixed(1)} ms; received ${crowdResult.received}/${run.expected(result.sent)} readings in ${crowdResult.events} events (${(crowdResult.events / subscribers).toFixed(0)} per subscriber), the run ended ${drainSeconds.toFixed(1)} s after the last was sent; latency timed on ${crowdResult.timedStreams} streams`,
    );
    console.log(
      `  CPU in cores over ${wall.toFixed(1)} s: gateway ${cores(gatewayMs)}, subscribers ${cores(crowdResult.cpuMs)}, publisher ${cores(result.cpuMs)}; gateway ${((1000 * gatewayMs) / Math.max(1, crowdResult.events)).toFixed(0)} µs per event delivered, ${((1000 * gatewayMs) / Math.max(1, crowdResult.received)).toFixed(2)} µs per reading delivered`,
    );
    const perEvent = (ms: number) => `${((1000 * ms) / Math.max(1, crowdResult.events)).toFixed(1)} µs`;
    const percent = (share: number) => `${(100 * share).toFixed(0)} %`;
    console.log(
      `  CPU per event delivered: gateway ${perEvent(gatewayMs)} (${perEvent(gatewaySystemMs)} of it in the kernel), subscribers ${perEvent(crowdResult.cpuMs)} (${perEvent(crowdResult.systemMs)}); event loop busy: gateway ${percent(gatewayLoopBusy)}, subscribers ${percent(crowdResult.loopBusy)}`,
    );
  }

  try {
    await compareRequestRates(
      [
        ['gateway', gatewayUrl],
        ['bare node:http', bareUrl],
      ],
      { body, query, seconds, concurrency, rounds },
      db.database.sql,
    );

    // The headline, worst case: every subscriber takes every reading.
    const { rows: datastreams } = await db.database.sql.query<{
      id: number;
      programmeId: string;
      isQuickWin: boolean;
    }>(
      `SELECT d.id, t.programme_id AS "programmeId", p.kind = 'QUICK_WIN' AS "isQuickWin"
         FROM datastream d JOIN thing t ON t.id = d.thing_id JOIN programme p ON p.id = t.programme_id
        ORDER BY d.id`,
    );
    const firstDatastream = datastreams[0]?.id ?? 1;
    for (const subscribers of subscriberCounts) {
      await fanOut({
        label: `fan-out of every reading to ${subscribers} subscribers`,
        subscriptions: Array.from({ length: subscribers }, () => ({ query: EVERY_READING })),
        datastreamIds: [firstDatastream],
        expected: (sent) => sent * subscribers,
      });
    }

    // Closer to a city's screens, and easier: readings spread over every seeded datastream, each
    // subscriber following one quick win or one datastream, spread over all of them.
    const followed = [
      ...[
        ...Map.groupBy(
          datastreams.filter((datastream) => datastream.isQuickWin),
          (datastream) => datastream.programmeId,
        ),
      ].map(([programmeId, its]) => ({
        variables: { programmeId: globalId('Programme', programmeId) },
        datastreamIds: its.map((datastream) => datastream.id),
      })),
      ...datastreams.map(({ id }) => ({
        variables: { datastreamIds: [globalId('Datastream', id)] },
        datastreamIds: [id],
      })),
    ];
    const publishedTo = datastreams.map(({ id }) => id);
    for (const subscribers of scopedCounts) {
      const targets = Array.from({ length: subscribers }, (_, index) => followed[index % followed.length]);
      await fanOut({
        label: `fan-out to ${subscribers} subscribers, each following one of ${followed.length} quick wins or datastreams (${publishedTo.length} datastreams published in turn; not the headline figure)`,
        subscriptions: targets.map((target) => ({ query: ONE_FOLLOWED, variables: target?.variables ?? {} })),
        datastreamIds: publishedTo,
        expected: (sent) => {
          // Reading n went to publishedTo[n % length].
          const sentTo = (datastreamId: number) => {
            const position = publishedTo.indexOf(datastreamId);
            return Math.floor(sent / publishedTo.length) + (position < sent % publishedTo.length ? 1 : 0);
          };
          let total = 0;
          for (const target of targets) for (const id of target?.datastreamIds ?? []) total += sentTo(id);
          return total;
        },
      });
    }
  } finally {
    bare.close();
    gatewayServer.closeAllConnections();
    gatewayServer.close();
    await gateway.stop();
    await db.drop();
  }
}
