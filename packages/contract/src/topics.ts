/**
 * MQTT topic contract v1. A device publishes only under its own id:
 *   bisa/v1/<deviceId>/readings   JSON readings (see payload.ts), QoS 1
 *   bisa/v1/<deviceId>/status     retained "online" / "offline" (last will)
 */
export const TOPIC_ROOT = 'bisa/v1';
export const READINGS_SUBSCRIPTION = `${TOPIC_ROOT}/+/readings`;

/** Lower-case letters, digits and hyphens, 2-63 long: safe as MQTT user name and topic level. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export function readingsTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/readings`;
}

export function statusTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/status`;
}

export type TopicParseResult = { ok: true; deviceId: string } | { ok: false; detail: string };

/** Extracts the device id from a readings topic, refusing wildcards and extra or missing levels. */
export function parseReadingsTopic(topic: string): TopicParseResult {
  const levels = topic.split('/');
  if (levels.length !== 4 || `${levels[0]}/${levels[1]}` !== TOPIC_ROOT || levels[3] !== 'readings') {
    return { ok: false, detail: `topic "${topic}" is not ${TOPIC_ROOT}/<deviceId>/readings` };
  }
  const deviceId = levels[2] ?? '';
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    return {
      ok: false,
      detail: `device id "${deviceId}" must be 2-63 lower-case letters, digits or hyphens, starting with a letter or digit`,
    };
  }
  return { ok: true, deviceId };
}
