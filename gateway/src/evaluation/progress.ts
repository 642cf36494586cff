/**
 * The evaluation arithmetic, free of I/O so it can be tested exhaustively.
 *
 * Every KPI is planned as a straight line from its baseline (at the start of its window) to its
 * target (at the end). Progress is how far the actual value has come along that line, 0 at the
 * baseline and 1 at the target, whatever the direction; the status compares it with how far the
 * plan says it should be by now.
 */

export type EvaluationStatus = 'NOT_STARTED' | 'ON_TRACK' | 'AT_RISK' | 'OFF_TRACK' | 'NO_DATA';

export interface StatusThresholds {
  /** On track from this share of the expected progress... */
  onTrackRatio: number;
  /** ...at risk from this share, off track below it. */
  atRiskRatio: number;
}

export interface Progress {
  /** 0..1, or null when there is no actual value yet. */
  progress: number | null;
  /** 0..1: the share of the window that has passed. */
  expected: number;
  status: EvaluationStatus;
}

/** Progress from baseline towards target, clamped to 0..1 (overshooting the target counts as 1). */
export function kpiProgress(baseline: number, target: number, actual: number): number {
  const share = (actual - baseline) / (target - baseline);
  return Math.min(1, Math.max(0, share));
}

/** The share of [start, end) that has passed at `asOf`, clamped to 0..1. */
export function expectedProgress(start: Date, end: Date, asOf: Date): number {
  const share = (asOf.getTime() - start.getTime()) / (end.getTime() - start.getTime());
  return Math.min(1, Math.max(0, share));
}

/** Status of an actual progress against the plan. */
export function statusOf(
  progress: number | null,
  expected: number,
  thresholds: StatusThresholds,
): EvaluationStatus {
  if (expected === 0) return 'NOT_STARTED';
  if (progress === null) return 'NO_DATA';
  const ratio = progress / expected;
  if (ratio >= thresholds.onTrackRatio) return 'ON_TRACK';
  if (ratio >= thresholds.atRiskRatio) return 'AT_RISK';
  return 'OFF_TRACK';
}

export interface KpiPlan {
  baseline: number;
  target: number;
  periodStart: Date;
  periodEnd: Date;
}

export function evaluateKpi(
  kpi: KpiPlan,
  actual: number | null,
  asOf: Date,
  thresholds: StatusThresholds,
): Progress {
  const expected = expectedProgress(kpi.periodStart, kpi.periodEnd, asOf);
  const progress = actual === null ? null : kpiProgress(kpi.baseline, kpi.target, actual);
  return { progress, expected, status: statusOf(progress, expected, thresholds) };
}

/**
 * Weighted mean of several evaluations (a programme's KPIs, a dimension's programmes). Parts
 * without data are left out of the progress but counted in `missing`, so a roll-up never looks
 * better because its weakest KPI stopped reporting without somebody seeing it.
 */
export function rollUp(
  parts: readonly { evaluation: Progress; weight: number }[],
  thresholds: StatusThresholds,
): Progress & { missing: number } {
  // A zero weight (a component the scheme does not score) takes no part at all.
  const weighted = parts.filter((p) => p.weight > 0);
  const withData = weighted.filter((p) => p.evaluation.progress !== null && p.evaluation.expected > 0);
  const started = weighted.filter((p) => p.evaluation.expected > 0);
  const missing = started.length - withData.length;
  if (started.length === 0) return { progress: null, expected: 0, status: 'NOT_STARTED', missing };
  const expected = weightedMean(started.map((p) => [p.evaluation.expected, p.weight]));
  if (withData.length === 0) return { progress: null, expected, status: 'NO_DATA', missing };
  const progress = weightedMean(withData.map((p) => [p.evaluation.progress ?? 0, p.weight]));
  // Compare with what was expected of the parts that have data, not of the whole set.
  const expectedWithData = weightedMean(withData.map((p) => [p.evaluation.expected, p.weight]));
  return { progress, expected, status: statusOf(progress, expectedWithData, thresholds), missing };
}

function weightedMean(values: readonly (readonly [value: number, weight: number])[]): number {
  const total = values.reduce((sum, [, weight]) => sum + weight, 0);
  return values.reduce((sum, [value, weight]) => sum + value * weight, 0) / total;
}
