import type { DestinationStream } from 'pino';

/** `json`: one JSON object a line, for log collectors. `pretty`: aligned text for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

// Fields every line has, or that the line's head already shows.
const SHOWN_IN_HEAD = new Set([
  'level',
  'time',
  'msg',
  'pid',
  'hostname',
  'service',
  'name',
  'part',
  'component',
  'err',
]);

interface LogLine {
  level?: number;
  time?: number;
  msg?: string;
  /** The hub's part (gateway, ingest, ...) and a part's component (alerts, webhooks, ...). */
  part?: string;
  component?: string;
  name?: string;
  err?: { message?: string; stack?: string };
  [field: string]: unknown;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/**
 * One pino line as a person reads it: `08:12:03 WARN  [ingest/alerts] message  deviceId=...`,
 * the error's stack indented below. A line that is not pino's JSON is passed through unchanged.
 */
export function prettyLogLine(line: string): string {
  let entry: LogLine;
  try {
    entry = JSON.parse(line) as LogLine;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  // The machine's local time: the person at the terminal reads their own clock (WITA in the regency).
  const time = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
  const level = (LEVEL_NAMES[entry.level ?? 30] ?? String(entry.level)).padEnd(5);
  const source = [...new Set([entry.part, entry.component].filter(Boolean))].join('/') || entry.name;
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN_IN_HEAD.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const head = [time, level, source ? `[${source}]` : undefined, entry.msg].filter(Boolean).join(' ');
  const text = fields.length > 0 ? `${head}  ${fields.join(' ')}` : head;
  const stack = entry.err?.stack ?? entry.err?.message;
  return stack ? `${text}\n    ${stack.split('\n').join('\n    ')}\n` : `${text}\n`;
}

/** Where a service's logger writes: pino's JSON as is, or each line made readable first. */
export function logDestination(
  format: LogFormat,
  out: NodeJS.WritableStream = process.stdout,
): DestinationStream {
  if (format === 'json') return { write: (line: string) => out.write(line) };
  return { write: (line: string) => out.write(prettyLogLine(line)) };
}
