import { describe, expect, it } from 'vitest';
import { datastreamQuality, programmeQuality, qualityWindow } from './data-quality.ts';

const NOW = new Date('2026-03-01T08:20:00Z');

describe('data quality', () => {
  it('judges the last 30 days up to the next whole hour', () => {
    const window = qualityWindow(NOW);
    expect(window.to.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(window.from.toISOString()).toBe('2026-01-30T09:00:00.000Z');
  });

  it('compares the readings received with those the interval promised, from the first one up to now', () => {
    const window = { from: new Date('2026-02-01T09:00:00Z'), to: new Date('2026-03-01T09:00:00Z') };
    // From 00:00 to 08:20 at a 5-minute interval: 100 readings expected.
    const quality = datastreamQuality(
      {
        expectedIntervalSeconds: 300,
        series: [
          { bucket: '2026-03-01T00:00:00.000Z', count: 40 },
          { bucket: '2026-03-01T05:00:00.000Z', count: 35 },
        ],
      },
      new Date('2026-03-01T08:18:00Z'),
      window,
      NOW,
    );
    expect(quality).toEqual({ received: 75, expected: 100, completeness: 0.75, freshness: 'fresh' });
  });

  it('judges a device that reported before the window from the window start', () => {
    const window = { from: new Date('2026-03-01T04:00:00Z'), to: new Date('2026-03-01T09:00:00Z') };
    const series = [{ bucket: '2026-03-01T04:00:00.000Z', count: 30 }];
    expect(datastreamQuality({ expectedIntervalSeconds: 300, series }, NOW, window, NOW).expected).toBe(52);
  });

  it('caps completeness at 1 and has none without readings', () => {
    const window = { from: new Date('2026-03-01T08:00:00Z'), to: new Date('2026-03-01T09:00:00Z') };
    expect(
      datastreamQuality(
        { expectedIntervalSeconds: 10, series: [{ bucket: '2026-03-01T08:00:00.000Z', count: 500 }] },
        NOW,
        window,
        NOW,
      ).completeness,
    ).toBe(1);
    expect(
      datastreamQuality({ expectedIntervalSeconds: 300, series: [] }, undefined, window, NOW),
    ).toMatchObject({
      received: 0,
      completeness: null,
      freshness: 'no-data',
    });
  });

  it('rolls datastreams up into a programme', () => {
    expect(
      programmeQuality([
        { received: 1, expected: 2, completeness: 0.5, freshness: 'fresh' },
        { received: 2, expected: 2, completeness: 1, freshness: 'stale' },
        { received: 0, expected: 0, completeness: null, freshness: 'no-data' },
      ]),
    ).toEqual({ completeness: 0.75, datastreams: 3, stale: 1, silent: 1 });
  });
});
