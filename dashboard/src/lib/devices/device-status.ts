import { type Freshness, freshness } from '#lib/map/site-status.ts';
import type { Device } from './devices-query.ts';

/**
 * What needs doing about a device, most serious first: disabled (it cannot send), offline (its
 * last will said so), stale (some datastream is older than its expected interval or silent),
 * no-data (it never reported), live (every datastream fresh).
 */
export type DeviceStatus = 'disabled' | 'offline' | 'stale' | 'no-data' | 'live';

export interface DeviceState {
  status: DeviceStatus;
  /** Freshness per datastream id, judged against each datastream's expected interval. */
  freshness: ReadonlyMap<string, Freshness>;
  /** Datastreams stale or silent. */
  overdue: number;
}

export function deviceState(
  device: Device,
  latestOf: (datastreamId: string) => Date | undefined,
  now: Date,
): DeviceState {
  const byDatastream = new Map(
    device.datastreams.map(
      (datastream) =>
        [datastream.id, freshness(latestOf(datastream.id), datastream.expectedIntervalSeconds, now)] as const,
    ),
  );
  const states = [...byDatastream.values()];
  const overdue = states.filter((state) => state !== 'fresh').length;
  const status: DeviceStatus = device.health?.disabledAt
    ? 'disabled'
    : device.health?.connection === 'OFFLINE'
      ? 'offline'
      : states.length === 0 || states.every((state) => state === 'no-data')
        ? 'no-data'
        : overdue > 0
          ? 'stale'
          : 'live';
  return { status, freshness: byDatastream, overdue };
}

/** Statuses someone should look at. */
export function needsAttention(status: DeviceStatus): boolean {
  return status !== 'live';
}
