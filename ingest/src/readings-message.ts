import { MAX_PAYLOAD_BYTES, parseReadingsPayload, type RejectionReason } from '@bisa/contract/payload.ts';
import { parseReadingsTopic } from '@bisa/contract/topics.ts';
import type { ReadingRow } from './repositories/readings.ts';
import type { ThingStreams } from './repositories/things.ts';

export type LookupThing = (thingId: string) => Promise<ThingStreams | undefined>;

/** What to commit for one MQTT message: its readings, or the whole message as a dead letter. */
export type MessageDecision =
  | { kind: 'store'; thingId: string; rows: ReadingRow[] }
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
 * Decides what one readings message becomes. A message is all-or-nothing: if any reading or
 * metric in it is refused, the whole message is dead-lettered with the first reason found, so a
 * device never has half a batch stored and can resend the corrected batch as it is.
 */
export async function decideMessage(
  topic: string,
  payload: Uint8Array,
  lookupThing: LookupThing,
): Promise<MessageDecision> {
  const kept = payload.byteLength > MAX_PAYLOAD_BYTES ? payload.subarray(0, MAX_PAYLOAD_BYTES) : payload;
  const parsedTopic = parseReadingsTopic(topic);
  if (!parsedTopic.ok) {
    return {
      kind: 'reject',
      deviceId: null,
      knownDevice: false,
      reason: 'invalid_topic',
      detail: `${parsedTopic.detail}; publish to bisa/v1/<deviceId>/readings`,
      payload: kept,
    };
  }
  const { deviceId } = parsedTopic;
  const thing = await lookupThing(deviceId);
  const parsed = parseReadingsPayload(payload);
  if (!parsed.ok) {
    const cut = kept === payload ? '' : ` (only the first ${MAX_PAYLOAD_BYTES} bytes are kept)`;
    return {
      kind: 'reject',
      deviceId,
      knownDevice: thing !== undefined,
      reason: parsed.reason,
      detail: `${parsed.detail}${cut}`,
      payload: kept,
    };
  }
  if (!thing) {
    return {
      kind: 'reject',
      deviceId,
      knownDevice: false,
      reason: 'unknown_device',
      detail: `device "${deviceId}" is not registered; register it in the hub before it publishes`,
      payload: kept,
    };
  }
  const rows: ReadingRow[] = [];
  for (const reading of parsed.readings) {
    for (const [key, value] of Object.entries(reading.values)) {
      const datastreamId = thing.datastreamIds.get(key);
      if (datastreamId === undefined) {
        const known = [...thing.datastreamIds.keys()].sort().join(', ') || '(none)';
        return {
          kind: 'reject',
          deviceId,
          knownDevice: true,
          reason: 'unknown_metric',
          detail: `device "${deviceId}" has no datastream "${key}"; its datastreams are: ${known}`,
          payload: kept,
        };
      }
      rows.push({ datastreamId, time: reading.time, value });
    }
  }
  return { kind: 'store', thingId: deviceId, rows };
}
