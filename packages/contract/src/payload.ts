import { z } from 'zod';

/** Limits of contract v1; ingest refuses anything beyond them with the matching reason. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Readings per message (bisa JSON) or records per message (SenML). */
export const MAX_BATCH_LENGTH = 500;
export const METRIC_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
/**
 * Accepted timestamp window. A device may send what it buffered during a long outage (up to 30
 * days old), and its clock may run a little fast (5 minutes); anything else is a broken clock
 * (1970 after a power loss, a wrong year) and would land where nobody looks.
 */
export const ACCEPTED_PAST_MS = 30 * 24 * 3600 * 1000;
export const ACCEPTED_FUTURE_MS = 5 * 60 * 1000;

/** Every reason a message can be refused for; stored with each dead letter. */
export const REJECTION_REASONS = [
  'invalid_topic',
  'payload_too_large',
  'invalid_utf8',
  'invalid_json',
  'invalid_shape',
  'ambiguous_field',
  'invalid_time',
  'time_outside_window',
  'invalid_value',
  'batch_too_large',
  'invalid_status',
  'unknown_device',
  'device_disabled',
  'unknown_metric',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** One timestamped set of metric values from one device. */
export interface DeviceReading {
  time: Date;
  values: Record<string, number>;
}

export type PayloadParseResult =
  | { ok: true; format: 'bisa' | 'senml'; readings: DeviceReading[] }
  | { ok: false; reason: RejectionReason; detail: string };

export interface ParseOptions {
  /** The time the window is measured from (tests); default the current time. */
  now?: Date;
  /** The device id from the topic: a SenML base name may only be "<deviceId>:" or "<deviceId>/". */
  deviceId?: string;
}

type Rejection = { ok: false; reason: RejectionReason; detail: string };

// ISO 8601 with an explicit offset: a local time without a zone is ambiguous, so it is refused.
const timestamp = z.iso.datetime({ offset: true });

const utf8 = new TextDecoder('utf-8', { fatal: true });

// RFC 8428 section 4.5: the labels a SenML record may carry. Any other label ending in "_" is
// "must understand": a receiver that does not know it must refuse the record.
const SENML_LABELS = new Set([
  'bn',
  'bt',
  'bu',
  'bv',
  'bs',
  'bver',
  'n',
  'u',
  'v',
  'vs',
  'vb',
  'vd',
  's',
  't',
  'ut',
]);
const BISA_LABELS = new Set(['time', 'values']);
// SenML times below 2**28 seconds are relative to "now" (RFC 8428 section 4.5.3). A broker may hold
// a message for minutes before ingest sees it, so "now" at ingest is not "now" at the device.
const SENML_RELATIVE_LIMIT = 2 ** 28;

/**
 * Parses a readings payload: one object `{"time", "values"}`, an array of them (a batch), or a
 * SenML JSON pack (RFC 8428; an array of records with numeric `v`). Unknown extra fields are
 * tolerated; anything ambiguous (a record that could be either format, two values for one metric
 * and time, a relative SenML time) is refused with a reason.
 */
export function parseReadingsPayload(payload: Uint8Array, options: ParseOptions = {}): PayloadParseResult {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return reject(
      'payload_too_large',
      `payload is ${payload.byteLength} bytes; the limit is ${MAX_PAYLOAD_BYTES}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return reject('invalid_utf8', 'payload is not valid UTF-8 text');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return reject('invalid_json', `payload is not JSON: ${(error as Error).message}`);
  }
  const now = options.now ?? new Date();
  return acceptSingleReading(json, now) ?? validateReadingsJson(json, { deviceId: options.deviceId, now });
}

// What zod's ISO datetime with offset tests (the same expression), for the fast path below.
const TIMESTAMP_PATTERN = z.regexes.datetime({ offset: true });

/**
 * The fast path for the usual message, one well-formed reading `{"time", "values"}`: it returns
 * exactly what `validateReadingsJson` returns for that JSON, and `undefined` for anything it does
 * not accept outright (any refusal, a batch, SenML), which the full validator then decides with
 * its reason. It exists because the full validator (zod, format detection, the repeated-value
 * check) costs several times as much per message (docs/benchmarks.md); payload.test.ts checks
 * both paths against each other on generated payloads.
 */
export function acceptSingleReading(json: unknown, now: Date): PayloadParseResult | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  for (const key in json) if (SENML_LABELS.has(key)) return undefined;
  const { time, values } = json as { time?: unknown; values?: unknown };
  if (typeof time !== 'string' || !TIMESTAMP_PATTERN.test(time)) return undefined;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  let count = 0;
  for (const key in values) {
    const value = (values as Record<string, unknown>)[key];
    if (!METRIC_KEY_PATTERN.test(key) || typeof value !== 'number' || !Number.isFinite(value))
      return undefined;
    count += 1;
  }
  if (count === 0) return undefined;
  const at = new Date(time);
  const ms = at.getTime();
  if (ms < now.getTime() - ACCEPTED_PAST_MS || ms > now.getTime() + ACCEPTED_FUTURE_MS) return undefined;
  return { ok: true, format: 'bisa', readings: [{ time: at, values: values as Record<string, number> }] };
}

/** The full validator of a parsed readings payload: every shape of the contract, every refusal with its reason. */
export function validateReadingsJson(json: unknown, options: ParseOptions = {}): PayloadParseResult {
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) return reject('invalid_shape', 'batch is empty; send at least one reading');
  if (items.length > MAX_BATCH_LENGTH) {
    return reject('batch_too_large', `batch has ${items.length} readings; the limit is ${MAX_BATCH_LENGTH}`);
  }
  const format = detectFormat(items);
  if (!format.ok) return format;
  const parsed =
    format.format === 'senml' ? parseSenml(items, options.deviceId) : parseBisa(items, Array.isArray(json));
  if (!parsed.ok) return parsed;
  const window = checkWindow(parsed.readings, options.now ?? new Date());
  if (window) return window;
  const ambiguity = findRepeatedValue(parsed.readings);
  if (ambiguity) return ambiguity;
  return { ok: true, format: format.format, readings: parsed.readings };
}

function detectFormat(items: readonly unknown[]): { ok: true; format: 'bisa' | 'senml' } | Rejection {
  let bisa = 0;
  let senml = 0;
  for (const [index, item] of items.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const keys = Object.keys(item);
    const isBisa = keys.some((k) => BISA_LABELS.has(k));
    const isSenml = keys.some((k) => SENML_LABELS.has(k));
    if (isBisa && isSenml) {
      return reject(
        'ambiguous_field',
        `record [${index}] has both BISA fields (time/values) and SenML fields (${keys.filter((k) => SENML_LABELS.has(k)).join(', ')}); send one format per message`,
      );
    }
    if (isBisa) bisa += 1;
    if (isSenml) senml += 1;
  }
  if (bisa > 0 && senml > 0) {
    return reject(
      'ambiguous_field',
      'message mixes BISA readings and SenML records; send one format per message',
    );
  }
  return { ok: true, format: senml > 0 ? 'senml' : 'bisa' };
}

const readingSchema = z.object({
  time: timestamp,
  values: z.record(z.string(), z.unknown()),
});

function parseBisa(
  items: readonly unknown[],
  isBatch: boolean,
): { ok: true; readings: DeviceReading[] } | Rejection {
  const readings: DeviceReading[] = [];
  for (const [index, item] of items.entries()) {
    const where = isBatch ? `reading [${index}]` : 'reading';
    const parsed = readingSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(root)';
      const reason: RejectionReason = issue?.path[0] === 'time' ? 'invalid_time' : 'invalid_shape';
      return reject(
        reason,
        `${where}: ${field}: ${issue?.message ?? 'invalid'}; expected {"time": ISO 8601 with offset, "values": {"<metric>": number}}`,
      );
    }
    // The keys as sent: zod's record drops a "__proto__" key (own in JSON.parse's result), which
    // would store the rest of the reading and lose that value silently; here it is refused below.
    const entries = Object.entries((item as { values: Record<string, unknown> }).values);
    if (entries.length === 0) return reject('invalid_shape', `${where}: values is empty`);
    const values: Record<string, number> = {};
    for (const [key, value] of entries) {
      if (!METRIC_KEY_PATTERN.test(key)) {
        return reject(
          'invalid_shape',
          `${where}: metric name "${key}" must be lower-case letters, digits or _`,
        );
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return reject(
          'invalid_value',
          `${where}: values.${key} is ${JSON.stringify(value)}; send a finite JSON number`,
        );
      }
      values[key] = value;
    }
    readings.push({ time: new Date(parsed.data.time), values });
  }
  return { ok: true, readings };
}

/**
 * SenML JSON (RFC 8428): base fields (bn, bt, bv) carry forward to later records; each record's
 * base name must be empty or name the device of the topic, so the metric key is n, its time is bt + t in seconds since the epoch.
 */
function parseSenml(
  records: readonly unknown[],
  deviceId: string | undefined,
): { ok: true; readings: DeviceReading[] } | Rejection {
  let baseTime = 0;
  let baseValue = 0;
  const byTime = new Map<number, DeviceReading>();
  const readings: DeviceReading[] = [];
  for (const [index, record] of records.entries()) {
    const where = `SenML record [${index}]`;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return reject('invalid_shape', `${where} is not an object`);
    }
    const r = record as Record<string, unknown>;
    const mustUnderstand = Object.keys(r).find((k) => k.endsWith('_'));
    if (mustUnderstand) {
      return reject(
        'invalid_shape',
        `${where}: field "${mustUnderstand}" must be understood (RFC 8428) and is not supported`,
      );
    }
    for (const label of ['bt', 'bv', 't', 'v', 'bver'] as const) {
      if (r[label] !== undefined && (typeof r[label] !== 'number' || !Number.isFinite(r[label]))) {
        const reason =
          label === 'v' || label === 'bv'
            ? 'invalid_value'
            : label === 'bver'
              ? 'invalid_shape'
              : 'invalid_time';
        return reject(reason, `${where}: ${label} is ${JSON.stringify(r[label])}; send a finite JSON number`);
      }
    }
    for (const label of ['bn', 'n'] as const) {
      if (r[label] !== undefined && typeof r[label] !== 'string') {
        return reject('invalid_shape', `${where}: ${label} must be a string`);
      }
    }
    if (typeof r.bn === 'string') {
      if (r.bn !== '' && (deviceId === undefined || (r.bn !== `${deviceId}:` && r.bn !== `${deviceId}/`))) {
        return reject(
          'ambiguous_field',
          `${where}: base name "${r.bn}" is not "${deviceId ?? '<deviceId>'}:" or "${deviceId ?? '<deviceId>'}/"; the topic names the device, so a different one is ambiguous`,
        );
      }
    }
    if (typeof r.bt === 'number') baseTime = r.bt;
    if (typeof r.bv === 'number') baseValue = r.bv;
    const others = (['vs', 'vb', 'vd', 's'] as const).filter((k) => r[k] !== undefined);
    if (r.v === undefined) {
      // A record with only base fields sets context for the records that follow.
      if (r.n === undefined && others.length === 0) continue;
      return reject(
        'invalid_value',
        `${where}: only numeric values ("v") are stored; ${others.join(', ') || 'no value'} is not supported`,
      );
    }
    if (others.length > 0) {
      return reject(
        'ambiguous_field',
        `${where}: "v" together with ${others.join(', ')}; send one value per record`,
      );
    }
    // bn is empty or exactly the device prefix (checked above), so the metric key is n.
    const name = typeof r.n === 'string' ? r.n : '';
    if (!METRIC_KEY_PATTERN.test(name)) {
      return reject(
        'invalid_shape',
        `${where}: name "${name}" must be a metric key: lower-case letters, digits or _`,
      );
    }
    const seconds = baseTime + (typeof r.t === 'number' ? r.t : 0);
    if (Math.abs(seconds) < SENML_RELATIVE_LIMIT) {
      return reject(
        'invalid_time',
        `${where}: time ${seconds} is relative to "now" (RFC 8428) and the broker may delay a message; send absolute seconds since 1970 in bt or t`,
      );
    }
    const ms = Math.round(seconds * 1000);
    const value = baseValue + (r.v as number);
    if (!Number.isFinite(value)) return reject('invalid_value', `${where}: bv + v is not a finite number`);
    let reading = byTime.get(ms);
    if (!reading) {
      reading = { time: new Date(ms), values: {} };
      byTime.set(ms, reading);
      readings.push(reading);
    }
    if (name in reading.values) {
      return reject(
        'ambiguous_field',
        `${where}: "${name}" at ${reading.time.toISOString()} appears twice in this message`,
      );
    }
    reading.values[name] = value;
  }
  if (readings.length === 0) return reject('invalid_shape', 'SenML pack has no record with a value');
  return { ok: true, readings };
}

function checkWindow(readings: readonly DeviceReading[], now: Date): Rejection | undefined {
  const earliest = now.getTime() - ACCEPTED_PAST_MS;
  const latest = now.getTime() + ACCEPTED_FUTURE_MS;
  for (const reading of readings) {
    const t = reading.time.getTime();
    if (t < earliest || t > latest) {
      return reject(
        'time_outside_window',
        `time ${reading.time.toISOString()} is ${t < earliest ? 'more than 30 days in the past' : 'more than 5 minutes in the future'} of the hub's clock (${now.toISOString()}); check the device clock`,
      );
    }
  }
  return undefined;
}

/** Two readings in one message with the same metric and time: which value is meant is ambiguous. */
function findRepeatedValue(readings: readonly DeviceReading[]): Rejection | undefined {
  const seen = new Set<string>();
  for (const reading of readings) {
    for (const key of Object.keys(reading.values)) {
      const id = `${key}@${reading.time.getTime()}`;
      if (seen.has(id)) {
        return reject(
          'ambiguous_field',
          `values.${key} at ${reading.time.toISOString()} appears twice in this message; send one value per metric and time`,
        );
      }
      seen.add(id);
    }
  }
  return undefined;
}

/** Encodes readings as a contract-v1 payload (a batch when there is more than one). */
export function encodeReadingsPayload(readings: readonly DeviceReading[]): string {
  const items = readings.map((r) => ({ time: r.time.toISOString(), values: r.values }));
  return JSON.stringify(items.length === 1 ? items[0] : items);
}

/** Device status on the retained status topic: exactly "online" or "offline". */
export type DeviceStatus = 'online' | 'offline';

export function parseStatusPayload(payload: Uint8Array): { ok: true; status: DeviceStatus } | Rejection {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return reject('invalid_utf8', 'status payload is not valid UTF-8 text');
  }
  if (text === 'online' || text === 'offline') return { ok: true, status: text };
  return reject(
    'invalid_status',
    `status is ${JSON.stringify(text.slice(0, 40))}; send exactly "online" or "offline"`,
  );
}

function reject(reason: RejectionReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}
