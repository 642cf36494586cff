// Test helpers: throw-away PostgreSQL and Mosquitto servers on free ports, for tests that crash,
// restart or reconfigure them. The machine's shared servers (5432, 1883) are never touched.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Makes `dir` (and what is in it) belong to `user` when running as root, so a server that drops root can write it. */
async function giveTo(user: string, dir: string): Promise<void> {
  if (!isRoot) return;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', user]),
    run('id', ['-g', user]),
  ]);
  const owner = async (p: string): Promise<void> => {
    await chown(p, Number(uid), Number(gid));
    if ((await stat(p)).isDirectory()) {
      for (const entry of await readdir(p)) await owner(path.join(p, entry));
    }
  };
  await owner(dir);
}

const INFRA_MOSQUITTO_CONF = fileURLToPath(
  new URL('../../../infra/mosquitto/mosquitto.conf', import.meta.url),
);

/**
 * The lines of the production broker configuration (infra/mosquitto/mosquitto.conf) that set
 * `options`, e.g. its queue limits, so a private broker behaves like the deployed one without a
 * copy that could drift from it.
 */
export async function infraMosquittoSettings(options: readonly string[]): Promise<string[]> {
  const lines = (await readFile(INFRA_MOSQUITTO_CONF, 'utf8')).split('\n').map((l) => l.trim());
  return options.map((option) => {
    const line = lines.find((l) => l.split(/\s+/)[0] === option);
    if (!line) throw new Error(`${INFRA_MOSQUITTO_CONF} sets no ${option}`);
    return line;
  });
}

/**
 * A private broker as the delivery tests need it: anonymous clients, and the production broker's
 * queue and inflight limits (the defaults would drop a backlog silently).
 */
export async function startQueueingMosquitto(): Promise<PrivateMosquitto> {
  return startPrivateMosquitto({
    settings: [
      'allow_anonymous true',
      ...(await infraMosquittoSettings(['max_queued_messages', 'max_queued_bytes', 'max_inflight_messages'])),
    ],
  });
}

export interface PrivateMosquitto {
  url: string;
  /** Its folder, which holds the `files` it was started with. */
  dir: string;
  /** Sends SIGHUP and resolves once Mosquitto has logged that it reloaded its configuration. */
  reload(): Promise<void>;
  /** Stops it with SIGTERM (Mosquitto saves its persistence database on the way out). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same configuration and persistence. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * A Mosquitto of its own on a free port. `settings` are extra configuration lines (e.g.
 * `persistence true`); `files` are written into its folder first and may be named in them as
 * `{dir}/name`. Started as root it drops to the `mosquitto` user, which then owns the folder.
 */
export async function startPrivateMosquitto(
  options: { settings?: readonly string[]; files?: Record<string, string> } = {},
): Promise<PrivateMosquitto> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'bisa-test-mosquitto-'));
  await chmod(dir, 0o755);
  for (const [name, text] of Object.entries(options.files ?? {})) {
    await writeFile(path.join(dir, name), text, { mode: 0o600 });
  }
  const conf = path.join(dir, 'mosquitto.conf');
  const settings = (options.settings ?? []).map((line) => line.replaceAll('{dir}', dir));
  await writeFile(conf, [`listener ${port} 127.0.0.1`, ...settings, ''].join('\n'), { mode: 0o644 });
  await giveTo('mosquitto', dir);
  let child: ChildProcessWithoutNullStreams | undefined;
  let exited: Promise<void> = Promise.resolve();
  /** What the running broker has logged so far, and who waits for what in it. */
  let logged = '';
  const awaited: { text: string; from: number; resolve(): void }[] = [];

  async function start(): Promise<void> {
    const c = spawn('mosquitto', ['-c', conf]);
    child = c;
    // A test process that ends before its cleanup ran (a timeout) must not leave the broker running.
    const orphaned = () => c.kill('SIGKILL');
    process.once('exit', orphaned);
    exited = new Promise((resolve) =>
      c.once('exit', () => {
        process.off('exit', orphaned);
        resolve();
      }),
    );
    c.stdout.resume();
    logged = '';
    c.stderr.on('data', (chunk: Buffer) => {
      logged += chunk.toString();
      for (const waiter of [...awaited]) {
        if (logged.indexOf(waiter.text, waiter.from) === -1) continue;
        awaited.splice(awaited.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    await new Promise<void>((resolve, reject) => {
      // Logged once every listener is open.
      awaited.push({ text: ' running', from: 0, resolve });
      c.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}:\n${logged}`)));
    });
  }

  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    async reload() {
      if (!child) throw new Error('mosquitto is not running');
      const reloaded = new Promise<void>((resolve) =>
        awaited.push({ text: 'Reloading config', from: logged.length, resolve }),
      );
      child.kill('SIGHUP');
      await reloaded;
    },
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres, trust authentication. */
  adminUrl: string;
  /** False after crash() until start() is done. */
  readonly running: boolean;
  /** `pg_ctl stop -m immediate`: the server dies without a checkpoint, as in a crash. */
  crash(): Promise<void>;
  /** Starts it again (crash recovery runs first) and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

async function postgresBin(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server in /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/**
 * A PostgreSQL cluster of its own (initdb, about a second) on a free port. PostgreSQL refuses to
 * run as root, so as root it runs as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await postgresBin();
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'bisa-test-postgres-'));
  await giveTo('postgres', dir);
  const data = path.join(dir, 'data');
  const asPostgres = (tool: string, args: readonly string[]) =>
    isRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
      : run(path.join(bin, tool), [...args]);
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  // fsync off: the faults these tests make are process crashes (`-m immediate`), after which what
  // a commit wrote is still in the kernel's page cache, so no committed row can be lost; only a
  // machine crash could, and that is not tested. It makes each commit a write instead of a flush.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c fsync=off`;
  let running = false;
  const start = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
    running = true;
  };
  const stop = (mode: 'immediate' | 'fast') => asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    get running() {
      return running;
    },
    crash: async () => {
      running = false;
      await stop('immediate');
    },
    start,
    async destroy() {
      await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
