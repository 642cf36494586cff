import { describe, expect, it } from 'vitest';
import {
  bucketStart,
  chartPoints,
  chooseBucket,
  mergeReadings,
  niceTicks,
  RANGE_SECONDS,
  RANGES,
  segments,
  seriesWindow,
} from './series.ts';

const T = Date.parse('2026-03-01T08:00:00Z');
const MIN = 60_000;

describe('bucket choice', () => {
  it('gives longer ranges coarser buckets', () => {
    expect(RANGES.map((range) => chooseBucket(RANGE_SECONDS[range]))).toEqual([
      'MINUTE',
      'FIVE_MINUTES',
      'HOUR',
      'HOUR',
      'DAY',
    ]);
  });

  it('never asks for more points than the limit', () => {
    for (const range of RANGES) {
      const window = seriesWindow(range, new Date(T + 17 * MIN));
      const points =
        (window.to.getTime() - window.from.getTime()) /
        1000 /
        { MINUTE: 60, FIVE_MINUTES: 300, HOUR: 3600, DAY: 86400 }[window.bucket];
      expect(points, range).toBeLessThanOrEqual(800);
    }
    expect(chooseBucket(90 * 86_400, 50)).toBe('DAY');
  });

  it('ends the window on the next whole hour and keeps its length', () => {
    const window = seriesWindow('24h', new Date('2026-03-01T08:17:30Z'));
    expect(window.to.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(window.from.toISOString()).toBe('2026-02-28T09:00:00.000Z');
  });

  it('aligns day buckets to midnight in Luwu Utara (UTC+8)', () => {
    expect(new Date(bucketStart(Date.parse('2026-03-01T15:59:00Z'), 'DAY')).toISOString()).toBe(
      '2026-02-28T16:00:00.000Z',
    );
    expect(new Date(bucketStart(Date.parse('2026-03-01T16:00:00Z'), 'DAY')).toISOString()).toBe(
      '2026-03-01T16:00:00.000Z',
    );
    expect(bucketStart(T + 4 * MIN + 59_000, 'FIVE_MINUTES')).toBe(T);
  });
});

describe('live readings', () => {
  const window = { bucket: 'MINUTE' as const, from: T - 60 * MIN, to: T + 60 * MIN };
  const points = [{ time: T, value: 2, low: 1, high: 3, count: 2 }];

  it("updates a known bucket's mean and extremes and adds new buckets in time order", () => {
    const merged = mergeReadings(
      points,
      [
        { time: T + 30_000, value: 5 },
        { time: T + 2 * MIN + 1, value: 7 },
        { time: T - MIN, value: 1 },
        { time: T + 40_000, value: 0.5 },
      ],
      window,
    );
    expect(merged).toEqual([
      { time: T - MIN, value: 1, low: 1, high: 1, count: 1 },
      { time: T, value: 2.375, low: 0.5, high: 5, count: 4 },
      { time: T + 2 * MIN, value: 7, low: 7, high: 7, count: 1 },
    ]);
    expect(points).toEqual([{ time: T, value: 2, low: 1, high: 3, count: 2 }]);
  });

  it('leaves readings outside the window to the next load', () => {
    expect(mergeReadings(points, [{ time: T + 61 * MIN, value: 9 }], window)).toEqual(points);
  });
});

describe('points from the gateway', () => {
  it("gives each bucket's average its lowest and highest reading, a crest the average hides", () => {
    const hour = (n: number) => new Date(T + n * 60 * MIN).toISOString();
    expect(
      chartPoints([
        { bucket: hour(0), value: 2.8, min: 1.2, max: 4.31, count: 60 },
        { bucket: hour(1), value: 1.9, min: 1.7, max: 2.1, count: 58 },
      ]),
    ).toEqual([
      { time: T, value: 2.8, low: 1.2, high: 4.31, count: 60 },
      { time: T + 60 * MIN, value: 1.9, low: 1.7, high: 2.1, count: 58 },
    ]);
  });
});

describe('drawing', () => {
  it('breaks the line where buckets are missing', () => {
    const at = (minutes: number) => ({
      time: T + minutes * MIN,
      value: minutes,
      low: minutes,
      high: minutes,
      count: 1,
    });
    expect(segments([at(0), at(1), at(2), at(5), at(6)], 'MINUTE').map((run) => run.length)).toEqual([3, 2]);
    expect(segments([], 'MINUTE')).toEqual([]);
  });

  it('picks round ticks that cover the data', () => {
    expect(niceTicks(0.3, 4.7)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(0.3, 4.7, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(12, 88, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    const flat = niceTicks(5, 5);
    expect(flat[0]).toBeLessThan(5);
    expect(flat.at(-1)).toBeGreaterThan(5);
  });
});
