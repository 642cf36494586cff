import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateKpi, expectedProgress, kpiProgress, rollUp, statusOf } from './progress.ts';

const thresholds = { onTrackRatio: 0.9, atRiskRatio: 0.6 };
const year = { periodStart: new Date('2026-01-01T00:00:00Z'), periodEnd: new Date('2027-01-01T00:00:00Z') };

describe('kpiProgress', () => {
  it('measures from baseline towards target in either direction', () => {
    expect(kpiProgress(0, 120, 30)).toBe(0.25);
    // Waiting time from 45 down to 15 minutes: 21 minutes is 80 % of the way.
    expect(kpiProgress(45, 15, 21)).toBeCloseTo(0.8, 12);
  });

  it('stays within 0..1 whatever the actual value', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, min: -1e9, max: 1e9 }),
        (baseline, target, actual) => {
          fc.pre(Math.abs(target - baseline) > 1e-6);
          const progress = kpiProgress(baseline, target, actual);
          expect(progress).toBeGreaterThanOrEqual(0);
          expect(progress).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('never rewards moving away from the target', () => {
    expect(kpiProgress(55, 35, 60)).toBe(0); // PM2.5 got worse
    expect(kpiProgress(0, 36, 40)).toBe(1); // beyond the target counts as reached
  });
});

describe('expectedProgress and statusOf', () => {
  it('expects a straight line from the start to the end of the window', () => {
    expect(expectedProgress(year.periodStart, year.periodEnd, new Date('2025-12-01T00:00:00Z'))).toBe(0);
    expect(expectedProgress(year.periodStart, year.periodEnd, new Date('2026-07-02T12:00:00Z'))).toBeCloseTo(
      0.5,
      2,
    );
    expect(expectedProgress(year.periodStart, year.periodEnd, new Date('2027-03-01T00:00:00Z'))).toBe(1);
  });

  it('grades progress against what is expected by now, with the scheme thresholds', () => {
    expect(statusOf(0.45, 0.5, thresholds)).toBe('ON_TRACK');
    expect(statusOf(0.35, 0.5, thresholds)).toBe('AT_RISK');
    expect(statusOf(0.2, 0.5, thresholds)).toBe('OFF_TRACK');
    expect(statusOf(null, 0.5, thresholds)).toBe('NO_DATA');
    expect(statusOf(null, 0, thresholds)).toBe('NOT_STARTED');
    expect(statusOf(0.35, 0.5, { onTrackRatio: 0.7, atRiskRatio: 0.5 })).toBe('ON_TRACK');
  });

  it('evaluates one KPI at a given day', () => {
    const evaluation = evaluateKpi(
      { baseline: 45, target: 15, ...year },
      21,
      new Date('2026-10-01T00:00:00Z'),
      thresholds,
    );
    expect(evaluation.progress).toBeCloseTo(0.8, 12);
    expect(evaluation.expected).toBeCloseTo(273 / 365, 12);
    expect(evaluation.status).toBe('ON_TRACK');
  });
});

describe('rollUp', () => {
  const part = (progress: number | null, expected: number, weight = 1) => ({
    evaluation: { progress, expected, status: statusOf(progress, expected, thresholds) },
    weight,
  });

  it('weights the parts and counts the ones without data as missing', () => {
    const result = rollUp([part(0.8, 0.5, 3), part(0.2, 0.5, 1), part(null, 0.5, 1)], thresholds);
    expect(result.progress).toBeCloseTo((0.8 * 3 + 0.2) / 4, 12);
    expect(result.missing).toBe(1);
    expect(result.status).toBe('ON_TRACK');
  });

  it('says NO_DATA when nothing has reported and NOT_STARTED before any window opens', () => {
    expect(rollUp([part(null, 0.5)], thresholds).status).toBe('NO_DATA');
    expect(rollUp([part(null, 0)], thresholds).status).toBe('NOT_STARTED');
    expect(rollUp([], thresholds).status).toBe('NOT_STARTED');
  });

  it('ignores parts with a zero weight', () => {
    expect(rollUp([part(0.1, 0.5, 0), part(0.5, 0.5, 1)], thresholds).progress).toBe(0.5);
  });

  it('lies between the smallest and largest part', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0.01, max: 10, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (values) => {
          const result = rollUp(
            values.map(([progress, weight]) => part(progress, 0.5, weight)),
            thresholds,
          );
          const progresses = values.map(([progress]) => progress);
          expect(result.progress).toBeGreaterThanOrEqual(Math.min(...progresses) - 1e-12);
          expect(result.progress).toBeLessThanOrEqual(Math.max(...progresses) + 1e-12);
        },
      ),
    );
  });
});
