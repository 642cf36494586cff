/**
 * MQTT topic contract v1. A device publishes only under its own id:
 *   bisa/v1/<deviceId>/readings   JSON readings or SenML (see payload.ts), QoS 1
 *   bisa/v1/<deviceId>/status     retained "online" / "offline" (last will)
 */
export const TOPIC_ROOT = 'bisa/v1';
export const READINGS_SUBSCRIPTION = `${TOPIC_ROOT}/+/readings`;
export const STATUS_SUBSCRIPTION = `${TOPIC_ROOT}/+/status`;

/** Lower-case letters, digits and hyphens, 2-63 long: safe as MQTT user name and topic level. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export function readingsTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/readings`;
}

export function statusTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/status`;
}

/**
 * A shared subscription (MQTT 5): the broker hands each message to one member of the group, so
 * several ingest connections or processes share the load.
 */
export function sharedSubscription(group: string, filter: string): string {
  return `$share/${group}/${filter}`;
}

export type DeviceTopicKind = 'readings' | 'status';

export type TopicParseResult =
  | { ok: true; deviceId: string; kind: DeviceTopicKind }
  | { ok: false; detail: string };

/** Extracts the device id and kind from a device topic, refusing wildcards and extra or missing levels. */
export function parseDeviceTopic(topic: string): TopicParseResult {
  const levels = topic.split('/');
  const kind = levels[3];
  if (
    levels.length !== 4 ||
    `${levels[0]}/${levels[1]}` !== TOPIC_ROOT ||
    (kind !== 'readings' && kind !== 'status')
  ) {
    return { ok: false, detail: `topic "${topic}" is not ${TOPIC_ROOT}/<deviceId>/readings or .../status` };
  }
  const deviceId = levels[2] ?? '';
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    return {
      ok: false,
      detail: `device id "${deviceId}" must be 2-63 lower-case letters, digits or hyphens, starting with a letter or digit`,
    };
  }
  return { ok: true, deviceId, kind };
}
