import { describe, expect, it } from 'vitest';
import { datastreamQuality, programmeQuality, qualityWindow, readingsMessage } from './data-quality.ts';

const NOW = new Date('2026-03-01T08:20:00Z');

describe('data quality', () => {
  it('judges the last 30 days up to the next whole hour', () => {
    const window = qualityWindow(NOW);
    expect(window.to.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(window.from.toISOString()).toBe('2026-01-30T09:00:00.000Z');
    expect(window.asOf).toEqual(NOW);
  });

  it('expects readings up to when the counts were read, however long the page stays open', () => {
    const window = {
      from: new Date('2026-03-01T08:00:00Z'),
      to: new Date('2026-03-01T09:00:00Z'),
      asOf: NOW,
    };
    const datastream = {
      expectedIntervalSeconds: 60,
      firstReadingAt: '2026-03-01T08:00:00.000Z',
      series: [{ bucket: '2026-03-01T08:00:00.000Z', count: 21 }],
    };
    const later = new Date('2026-03-01T08:35:00Z');
    // 08:00 to 08:20 every minute; the clock at 08:35 only makes the latest reading stale.
    expect(datastreamQuality(datastream, NOW, window, later)).toEqual({
      received: 21,
      expected: 21,
      completeness: 1,
      freshness: 'stale',
    });
  });

  it('compares the readings received with those the interval promised, from the first one up to now', () => {
    const window = {
      from: new Date('2026-02-01T09:00:00Z'),
      to: new Date('2026-03-01T09:00:00Z'),
      asOf: NOW,
    };
    // The first at 00:05, then one every 5 minutes up to 08:20: 100 readings expected.
    const quality = datastreamQuality(
      {
        expectedIntervalSeconds: 300,
        firstReadingAt: '2026-03-01T00:05:00.000Z',
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

  it('judges a device that reported before the window from its first reading inside it', () => {
    const window = {
      from: new Date('2026-03-01T04:00:00Z'),
      to: new Date('2026-03-01T09:00:00Z'),
      asOf: NOW,
    };
    const series = [{ bucket: '2026-03-01T04:00:00.000Z', count: 30 }];
    // 04:02 and every 5 minutes up to 08:20.
    const firstReadingAt = '2026-03-01T04:02:00.000Z';
    expect(
      datastreamQuality({ expectedIntervalSeconds: 300, firstReadingAt, series }, NOW, window, NOW).expected,
    ).toBe(52);
  });

  it('judges a device started within its first hour from its first reading, not from the hour', () => {
    const window = {
      from: new Date('2026-02-28T09:00:00Z'),
      to: new Date('2026-03-01T09:00:00Z'),
      asOf: NOW,
    };
    // Started at 07:40 and sent every minute since: 20 readings in the 07:00 hour, 21 by 08:20.
    const quality = datastreamQuality(
      {
        expectedIntervalSeconds: 60,
        firstReadingAt: '2026-03-01T07:40:00.000Z',
        series: [
          { bucket: '2026-03-01T07:00:00.000Z', count: 20 },
          { bucket: '2026-03-01T08:00:00.000Z', count: 21 },
        ],
      },
      new Date('2026-03-01T08:20:00Z'),
      window,
      NOW,
    );
    expect(quality).toMatchObject({ received: 41, expected: 41, completeness: 1 });
    expect(readingsMessage(quality)).toBe('quality.received');
  });

  it('says a device sent more than expected rather than counting "69 of 20"', () => {
    const window = {
      from: new Date('2026-03-01T08:00:00Z'),
      to: new Date('2026-03-01T09:00:00Z'),
      asOf: NOW,
    };
    // Every 5 s since 08:14 against a declared minute: 6 minutes, 7 readings expected.
    const quality = datastreamQuality(
      {
        expectedIntervalSeconds: 60,
        firstReadingAt: '2026-03-01T08:14:00.000Z',
        series: [{ bucket: '2026-03-01T08:00:00.000Z', count: 73 }],
      },
      NOW,
      window,
      NOW,
    );
    expect(quality).toMatchObject({ received: 73, expected: 7, completeness: 1 });
    expect(readingsMessage(quality)).toBe('quality.receivedMore');
  });

  it('caps completeness at 1 and has none without readings', () => {
    const window = {
      from: new Date('2026-03-01T08:00:00Z'),
      to: new Date('2026-03-01T09:00:00Z'),
      asOf: NOW,
    };
    expect(
      datastreamQuality(
        {
          expectedIntervalSeconds: 10,
          firstReadingAt: '2026-03-01T08:00:00.000Z',
          series: [{ bucket: '2026-03-01T08:00:00.000Z', count: 500 }],
        },
        NOW,
        window,
        NOW,
      ).completeness,
    ).toBe(1);
    expect(
      datastreamQuality(
        { expectedIntervalSeconds: 300, firstReadingAt: null, series: [] },
        undefined,
        window,
        NOW,
      ),
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
