import type { Device, DeviceHealth } from './devices-query.ts';

/**
 * Test fixture: a sample river gauge with one datastream per expected interval given, each
 * without a reading, and a healthy, enabled, online-unknown state unless `health` says otherwise.
 */
export function aDevice(health: Partial<DeviceHealth> = {}, intervals: readonly number[] = [60]): Device {
  return {
    id: 'VGhpbmc6bWFzYW1iYS1yaXZlci0wMQ==',
    databaseId: 'masamba-river-01',
    name: 'Pos duga air Sungai Masamba',
    isSample: true,
    location: { name: 'Jembatan Sungai Masamba' },
    programme: { name: { id: 'Peringatan dini banjir', en: 'Flood early warning' } },
    datastreams: intervals.map((seconds, index) => ({
      id: `ds-${index}`,
      key: `metric_${index}`,
      unit: 'm',
      expectedIntervalSeconds: seconds,
      observedProperty: { name: { id: 'Tinggi muka air', en: 'Water level' } },
      latest: null,
    })),
    health: {
      lastSeenAt: null,
      lastAcceptedAt: null,
      lastError: null,
      connection: null,
      connectionSince: null,
      disabledAt: null,
      hasCredential: true,
      owner: null,
      recentDeadLetters: [],
      ...health,
    },
  };
}
