// The devices of bench/ingest-throughput.ts, in a process of their own: in production devices
// publish from elsewhere, and when they shared the bench's one thread with the subscriber under
// test, every microsecond either side spent slowed the other (docs/benchmarks.md). Started with
// fork(); commands and replies travel over the IPC channel, see `Command` and `Reply`.
import { spawn } from 'node:child_process';
import { readingsTopic } from '@bisa/contract/topics.ts';
import mqtt from 'mqtt';

export type Command =
  /** Builds `count` messages of `batch` readings, times from `firstTime` (epoch ms) on, one ms apart. */
  | { kind: 'prepare'; count: number; batch: number; firstTime: number }
  /** Publishes the prepared messages as fast as the broker acknowledges them. */
  | { kind: 'burst' }
  /** Publishes `total` single-reading messages at `rate` a second, times from `firstTime` on. */
  | { kind: 'rate'; rate: number; total: number; firstTime: number }
  /**
   * COPYs `count` readings through psql into `databaseUrl`, alternating between `datastreamIds`.
   * Here, not in the bench process: building the CSV there left tens of MB of garbage in the heap
   * of the process under test just before the latency phase (docs/benchmarks.md).
   */
  | { kind: 'copy'; databaseUrl: string; datastreamIds: number[]; count: number; firstTime: number }
  | { kind: 'end' };

export type Reply =
  | { kind: 'ready' }
  | { kind: 'prepared' }
  | { kind: 'sent' }
  /** Seconds psql took for the COPY, from the first byte sent to its exit. */
  | { kind: 'copied'; seconds: number }
  /**
   * A rate run, by message (the nth has reading time firstTime + n ms): when it was handed to
   * its publisher and when the broker's PUBACK resolved its publish; how late each tick's timer
   * fired, and how long each tick took to hand over its messages (mqtt.js writes them to the
   * socket at the end of the tick, so a tick's first message leaves that much after its stamp).
   * Times on the clock both processes share, `performance.timeOrigin + performance.now()`, in ms.
   */
  | { kind: 'rated'; handedAt: number[]; ackedAt: number[]; tickLateMs: number[]; tickBusyMs: number[] };

const now = () => performance.timeOrigin + performance.now();
const reply = (message: Reply) => process.send?.(message);

async function main(url: string, connections: number, devices: readonly string[]): Promise<void> {
  const publishers = await Promise.all(
    Array.from({ length: connections }, () =>
      mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 5 }),
    ),
  );
  let prepared: { topic: string; body: string }[] = [];

  async function burst(): Promise<void> {
    const list = prepared;
    prepared = [];
    await Promise.all(
      publishers.map(async (p, k) => {
        for (let i = k; i < list.length; i += publishers.length) {
          const m = list[i];
          if (m) await p.publishAsync(m.topic, m.body, { qos: 1 });
        }
      }),
    );
  }

  async function rate(
    perSecond: number,
    total: number,
    firstTime: number,
  ): Promise<Omit<Extract<Reply, { kind: 'rated' }>, 'kind'>> {
    // Numbers only, indexed by message: next to nothing for this process's garbage collector.
    const handedAt: number[] = new Array(total).fill(Number.NaN);
    const ackedAt: number[] = new Array(total).fill(Number.NaN);
    const tickLateMs: number[] = [];
    const tickBusyMs: number[] = [];
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
    const begin = performance.now();
    const pending: Promise<unknown>[] = [];
    let sent = 0;
    while (sent < total) {
      const busy = performance.now();
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * perSecond) + perTick);
      for (; sent < due; sent++) {
        const n = sent;
        const time = new Date(firstTime + n).toISOString();
        handedAt[n] = now();
        const p = publishers[n % publishers.length];
        const body = JSON.stringify({ time, values: { water_level: n } });
        if (p) {
          pending.push(
            p.publishAsync(readingsTopic(devices[n % devices.length] ?? ''), body, { qos: 1 }).then(() => {
              ackedAt[n] = now();
            }),
          );
        }
      }
      const asleep = performance.now();
      tickBusyMs.push(asleep - busy);
      await new Promise((r) => setTimeout(r, tickMs));
      tickLateMs.push(performance.now() - asleep - tickMs);
    }
    await Promise.all(pending);
    return { handedAt, ackedAt, tickLateMs, tickBusyMs };
  }

  async function copy(command: Extract<Command, { kind: 'copy' }>): Promise<number> {
    const rows: string[] = [];
    for (let i = 0; i < command.count; i++) {
      const datastreamId = command.datastreamIds[i % command.datastreamIds.length];
      rows.push(`${datastreamId},${new Date(command.firstTime + i).toISOString()},${i}`);
    }
    const csv = `${rows.join('\n')}\n`;
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const psql = spawn(
        'psql',
        [
          command.databaseUrl,
          '-q',
          '-c',
          '\\copy reading (datastream_id, time, value) FROM STDIN WITH (FORMAT csv)',
        ],
        { stdio: ['pipe', 'ignore', 'inherit'] },
      );
      psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
      psql.stdin.end(csv);
    });
    return (performance.now() - started) / 1000;
  }

  process.on('message', (command: Command) => {
    void (async () => {
      if (command.kind === 'prepare') {
        let clock = command.firstTime;
        prepared = Array.from({ length: command.count }, (_, i) => {
          const readings = Array.from({ length: command.batch }, () => ({
            time: new Date(clock++).toISOString(),
            values: { water_level: i },
          }));
          const body = JSON.stringify(command.batch === 1 ? readings[0] : readings);
          return { topic: readingsTopic(devices[i % devices.length] ?? ''), body };
        });
        reply({ kind: 'prepared' });
      } else if (command.kind === 'burst') {
        await burst();
        reply({ kind: 'sent' });
      } else if (command.kind === 'rate') {
        reply({ kind: 'rated', ...(await rate(command.rate, command.total, command.firstTime)) });
      } else if (command.kind === 'copy') {
        reply({ kind: 'copied', seconds: await copy(command) });
      } else {
        await Promise.all(publishers.map((p) => p.endAsync()));
        process.disconnect();
      }
    })();
  });
  reply({ kind: 'ready' });
}

const [url, connections, ...devices] = process.argv.slice(2);
if (!url || !connections || devices.length === 0) {
  throw new Error('forked by bench/ingest-throughput.ts with: <broker URL> <connections> <deviceId>...');
}
await main(url, Number(connections), devices);
