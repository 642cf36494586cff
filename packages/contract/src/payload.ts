import { z } from 'zod';

/** Limits of contract v1; ingest refuses anything beyond them with the matching reason. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_BATCH_LENGTH = 500;
export const METRIC_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** Every reason a message can be refused for; stored with each dead letter. */
export const REJECTION_REASONS = [
  'invalid_topic',
  'payload_too_large',
  'invalid_utf8',
  'invalid_json',
  'invalid_shape',
  'invalid_time',
  'invalid_value',
  'batch_too_large',
  'unknown_device',
  'unknown_metric',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** One timestamped set of metric values from one device. */
export interface DeviceReading {
  time: Date;
  values: Record<string, number>;
}

export type PayloadParseResult =
  | { ok: true; readings: DeviceReading[] }
  | { ok: false; reason: RejectionReason; detail: string };

// ISO 8601 with an explicit offset: a local time without a zone is ambiguous, so it is refused.
const timestamp = z.iso.datetime({ offset: true });

const readingSchema = z.object({
  time: timestamp,
  values: z.record(z.string(), z.unknown()),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a readings payload: one object `{"time", "values"}` or an array of them (a batch).
 * Unknown extra fields are tolerated; anything ambiguous is refused with a reason.
 */
export function parseReadingsPayload(payload: Uint8Array): PayloadParseResult {
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
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) return reject('invalid_shape', 'batch is empty; send at least one reading');
  if (items.length > MAX_BATCH_LENGTH) {
    return reject('batch_too_large', `batch has ${items.length} readings; the limit is ${MAX_BATCH_LENGTH}`);
  }
  const readings: DeviceReading[] = [];
  for (const [index, item] of items.entries()) {
    const where = Array.isArray(json) ? `reading [${index}]` : 'reading';
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
    const entries = Object.entries(parsed.data.values);
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

/** Encodes readings as a contract-v1 payload (a batch when there is more than one). */
export function encodeReadingsPayload(readings: readonly DeviceReading[]): string {
  const items = readings.map((r) => ({ time: r.time.toISOString(), values: r.values }));
  return JSON.stringify(items.length === 1 ? items[0] : items);
}

function reject(reason: RejectionReason, detail: string): PayloadParseResult {
  return { ok: false, reason, detail };
}
