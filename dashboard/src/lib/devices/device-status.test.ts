import { describe, expect, it } from 'vitest';
import { aDevice } from './device-fixture.ts';
import { deviceState, needsAttention } from './device-status.ts';
import type { DeviceHealth } from './devices-query.ts';

const NOW = new Date('2026-12-01T08:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const device = (health: Partial<DeviceHealth> = {}, intervals: readonly number[] = [60, 300]) =>
  aDevice({ connection: 'ONLINE', ...health }, intervals);

describe('deviceState', () => {
  it('is live when every datastream is within its own expected interval', () => {
    const latest = new Map([
      ['ds-0', minutesAgo(0.5)],
      ['ds-1', minutesAgo(4)],
    ]);
    const state = deviceState(device(), (id) => latest.get(id), NOW);
    expect(state).toEqual({
      status: 'live',
      overdue: 0,
      freshness: new Map([
        ['ds-0', 'fresh'],
        ['ds-1', 'fresh'],
      ]),
    });
    expect(needsAttention(state.status)).toBe(false);
  });

  it('is stale when one datastream is older than its interval or silent, counting each', () => {
    // Four minutes is fresh for a 5-minute stream and stale for a 1-minute one.
    const state = deviceState(device(), () => minutesAgo(4), NOW);
    expect(state.status).toBe('stale');
    expect(state.freshness.get('ds-0')).toBe('stale');
    expect(state.freshness.get('ds-1')).toBe('fresh');
    const silent = deviceState(device(), (id) => (id === 'ds-0' ? minutesAgo(0.5) : undefined), NOW);
    expect(silent).toMatchObject({ status: 'stale', overdue: 1 });
    expect(needsAttention(silent.status)).toBe(true);
  });

  it('has no data before its first reading, or without datastreams', () => {
    expect(deviceState(device(), () => undefined, NOW).status).toBe('no-data');
    expect(deviceState(device({}, []), () => undefined, NOW).status).toBe('no-data');
  });

  it('puts disabled before offline, and offline before fresh data', () => {
    const fresh = () => minutesAgo(0.5);
    expect(deviceState(device({ connection: 'OFFLINE' }), fresh, NOW).status).toBe('offline');
    expect(
      deviceState(device({ connection: 'OFFLINE', disabledAt: NOW.toISOString() }), fresh, NOW).status,
    ).toBe('disabled');
  });
});
