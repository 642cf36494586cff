import {
  type DeviceStatus,
  MAX_PAYLOAD_BYTES,
  parseReadingsPayload,
  parseStatusPayload,
  type RejectionReason,
} from '@bisa/contract/payload.ts';
import { parseDeviceTopic } from '@bisa/contract/topics.ts';
import type { ReadingRow } from './repositories/readings.ts';
import type { ThingStreams } from './repositories/things.ts';

export type LookupThing = (thingId: string) => Promise<ThingStreams | undefined>;

/** What to commit for one MQTT message: its readings, a device status, or the whole message as a dead letter. */
export type MessageDecision =
  | { kind: 'store'; thingId: string; rows: ReadingRow[] }
  | { kind: 'status'; thingId: string; status: DeviceStatus }
  | {
      kind: 'reject';
      /** Device id from the topic when well-formed (it may still be unregistered). */
      deviceId: string | null;
      /** Whether the device is registered, so its last_error can be recorded. */
      knownDevice: boolean;
      reason: RejectionReason;
      detail: string;
      /** The bytes to keep; oversize payloads are cut to the limit so one device cannot fill the disk. */
      payload: Uint8Array;
    };

/**
 * Decides what one device message becomes. A readings message is all-or-nothing: if any reading
 * or metric in it is refused, the whole message is dead-lettered with the first reason found, so a
 * device never has half a batch stored and can resend the corrected batch as it is.
 */
export async function decideMessage(
  topic: string,
  payload: Uint8Array,
  lookupThing: LookupThing,
  now: Date = new Date(),
): Promise<MessageDecision> {
  const kept = payload.byteLength > MAX_PAYLOAD_BYTES ? payload.subarray(0, MAX_PAYLOAD_BYTES) : payload;
  const reject = (deviceId: string | null, knownDevice: boolean, reason: RejectionReason, detail: string) =>
    ({ kind: 'reject', deviceId, knownDevice, reason, detail, payload: kept }) as const;
  const parsedTopic = parseDeviceTopic(topic);
  if (!parsedTopic.ok) {
    return reject(
      null,
      false,
      'invalid_topic',
      `${parsedTopic.detail}; publish to bisa/v1/<deviceId>/readings`,
    );
  }
  const { deviceId } = parsedTopic;
  const thing = await lookupThing(deviceId);
  const parsed =
    parsedTopic.kind === 'status'
      ? parseStatusPayload(payload)
      : parseReadingsPayload(payload, { now, deviceId });
  if (!parsed.ok) {
    const cut = kept === payload ? '' : ` (only the first ${MAX_PAYLOAD_BYTES} bytes are kept)`;
    return reject(deviceId, thing !== undefined, parsed.reason, `${parsed.detail}${cut}`);
  }
  if (!thing) {
    return reject(
      deviceId,
      false,
      'unknown_device',
      `device "${deviceId}" is not registered; register it in the hub before it publishes`,
    );
  }
  if (thing.disabled) {
    return reject(
      deviceId,
      true,
      'device_disabled',
      `device "${deviceId}" is disabled; re-enable it with "devices rotate" before it publishes`,
    );
  }
  if ('status' in parsed) return { kind: 'status', thingId: deviceId, status: parsed.status };
  const rows: ReadingRow[] = [];
  for (const reading of parsed.readings) {
    for (const [key, value] of Object.entries(reading.values)) {
      const datastreamId = thing.datastreamIds.get(key);
      if (datastreamId === undefined) {
        const known = [...thing.datastreamIds.keys()].sort().join(', ') || '(none)';
        return reject(
          deviceId,
          true,
          'unknown_metric',
          `device "${deviceId}" has no datastream "${key}"; its datastreams are: ${known}`,
        );
      }
      rows.push({ datastreamId, time: reading.time, value });
    }
  }
  return { kind: 'store', thingId: deviceId, rows };
}
