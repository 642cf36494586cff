// Test helper: an ingest worker as a real child process, so it can be killed with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The standalone ingest worker. */
export const INGEST_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** The chaos test's negative control: acknowledges on receipt (see naive-worker.ts). */
export const NAIVE_WORKER = fileURLToPath(new URL('./naive-worker.ts', import.meta.url));

/** One pino log line. */
export type LogLine = { msg?: string; level?: number } & Record<string, unknown>;

export interface WorkerProcess {
  /** Log lines so far, parsed. */
  logs(): LogLine[];
  /**
   * Resolves with the first log line from the `from`-th on (already logged or to come) that
   * matches; rejects if the process exits first. `logs().length` taken before an action is the
   * `from` that waits for what the action causes.
   */
  waitForLog(match: (line: LogLine) => boolean, from?: number): Promise<LogLine>;
  /** Resolves once the worker logs "ingest ready" (connected, subscribed, health server up). */
  ready(): Promise<LogLine>;
  /** Sends `signal` and resolves with how the process ended. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `script` with Node and only the variables given (plus PATH and HOME), logging JSON at
 * info level to stdout, which is collected.
 */
export function spawnWorker(script: string, env: Record<string, string>): WorkerProcess {
  const child: ChildProcess = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve(l: LogLine): void }>();
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() === '') continue;
      let line: LogLine;
      try {
        line = JSON.parse(part) as LogLine;
      } catch {
        line = { msg: part };
      }
      lines.push(line);
      for (const w of waiters) {
        if (w.match(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A test process that ends before its cleanup ran (a timeout) must not leave the worker running.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', orphaned);
      resolve({ code, signal });
    });
  });
  const describe = () =>
    `${script} exited; stderr:\n${stderr}\nlast log lines:\n${lines
      .slice(-10)
      .map((l) => JSON.stringify(l))
      .join('\n')}`;
  const waitForLog = (match: (line: LogLine) => boolean, from = 0) => {
    const found = lines.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = { match, resolve };
      waiters.add(waiter);
      void exited.then(() => {
        if (waiters.delete(waiter)) reject(new Error(describe()));
      });
    });
  };
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return {
    logs: () => [...lines],
    waitForLog,
    ready: () => waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('ingest ready')),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
