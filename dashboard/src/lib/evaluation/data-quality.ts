import { type Freshness, freshness } from '#lib/map/site-status.ts';

// Data-quality KPIs of a quick win's telemetry: did its devices send what they promised
// (completeness against the expected interval) and are they still sending (freshness)?

/** How far back completeness is judged: long enough to smooth an outage, short enough to matter now. */
export const QUALITY_DAYS = 30;

export interface QualityWindow {
  from: Date;
  to: Date;
}

/**
 * The last QUALITY_DAYS days, ending on the next whole hour (the gateway then answers from
 * its hourly aggregate).
 */
export function qualityWindow(now: Date, days = QUALITY_DAYS): QualityWindow {
  const hour = 3_600_000;
  const to = Math.ceil(now.getTime() / hour) * hour;
  return { from: new Date(to - days * 86_400_000), to: new Date(to) };
}

export interface DatastreamQuality {
  received: number;
  expected: number;
  /** received / expected, at most 1; null when nothing was expected yet. */
  completeness: number | null;
  freshness: Freshness;
}

/**
 * Completeness counts from the first hour with a reading inside the window: a device installed
 * last week is judged on last week, not on the three weeks before it existed. A device that
 * never reported in the window has no completeness, and its freshness says so.
 */
export function datastreamQuality(
  datastream: { expectedIntervalSeconds: number; series: readonly { bucket: string; count: number }[] },
  latest: Date | undefined,
  window: QualityWindow,
  now: Date,
): DatastreamQuality {
  const received = datastream.series.reduce((sum, bucket) => sum + bucket.count, 0);
  const first = Math.min(...datastream.series.map((bucket) => Date.parse(bucket.bucket)));
  const from = Math.max(window.from.getTime(), first);
  const elapsed = Math.max(0, Math.min(now.getTime(), window.to.getTime()) - from);
  const expected =
    received > 0 ? Math.max(1, Math.floor(elapsed / 1000 / datastream.expectedIntervalSeconds)) : 0;
  return {
    received,
    expected,
    completeness: expected > 0 ? Math.min(1, received / expected) : null,
    freshness: freshness(latest, datastream.expectedIntervalSeconds, now),
  };
}

export interface ProgrammeQuality {
  /** Mean completeness of the datastreams that had readings expected; null without any. */
  completeness: number | null;
  datastreams: number;
  stale: number;
  silent: number;
}

export function programmeQuality(qualities: readonly DatastreamQuality[]): ProgrammeQuality {
  const judged = qualities.filter((quality) => quality.completeness !== null);
  return {
    completeness:
      judged.length > 0
        ? judged.reduce((sum, quality) => sum + (quality.completeness ?? 0), 0) / judged.length
        : null,
    datastreams: qualities.length,
    stale: qualities.filter((quality) => quality.freshness === 'stale').length,
    silent: qualities.filter((quality) => quality.freshness === 'no-data').length,
  };
}
