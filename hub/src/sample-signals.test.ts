import { describe, expect, it } from 'vitest';
import { SAMPLE_DEVICES } from './hub.ts';
import { hasSampleSignal, sampleValue } from './sample-signals.ts';

describe('sample signals', () => {
  it('has a signal for every metric of every sample device', () => {
    const metrics = SAMPLE_DEVICES.flatMap((d) => d.metrics);
    expect(metrics.filter((m) => !hasSampleSignal(m))).toEqual([]);
  });

  it('keeps values within plausible ranges over a whole day', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const time = new Date(start + minute * 60_000);
      for (const random of [() => 0, () => 0.999]) {
        expect(sampleValue('water_level', time, random)).toBeGreaterThan(1);
        expect(sampleValue('water_level', time, random)).toBeLessThan(2);
        expect(sampleValue('rainfall', time, random)).toBeGreaterThanOrEqual(0);
        expect(sampleValue('uptime', time, random)).toBeLessThanOrEqual(100);
        expect(Number.isInteger(sampleValue('wifi_users', time, random))).toBe(true);
      }
    }
  });

  it('follows a daily cycle', () => {
    const flat = () => 0.5;
    // Peak of the park Wi-Fi is in the evening (19:00 WITA = 11:00 UTC), low before dawn.
    const evening = sampleValue('wifi_users', new Date(Date.UTC(2026, 0, 1, 11)), flat);
    const night = sampleValue('wifi_users', new Date(Date.UTC(2026, 0, 1, 23)), flat);
    expect(evening).toBeGreaterThan(night + 40);
  });
});
