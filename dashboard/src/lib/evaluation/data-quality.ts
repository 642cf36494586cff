import { type Freshness, freshness } from '#lib/map/site-status.ts';

// Data-quality KPIs of a quick win's telemetry: did its devices send what they promised
// (completeness against the expected interval) and are they still sending (freshness)?

/** How far back completeness is judged: long enough to smooth an outage, short enough to matter now. */
export const QUALITY_DAYS = 30;

export interface QualityWindow {
  from: Date;
  to: Date;
  /**
   * When the counts were read. Readings are expected up to here, not up to the clock: the counts
   * are not read again while the page stays open, and against a growing expectation a device
   * that keeps sending would seem to fall behind.
   */
  asOf: Date;
}

/**
 * The last QUALITY_DAYS days, ending on the next whole hour (the gateway then answers from
 * its hourly aggregate).
 */
export function qualityWindow(now: Date, days = QUALITY_DAYS): QualityWindow {
  const hour = 3_600_000;
  const to = Math.ceil(now.getTime() / hour) * hour;
  return { from: new Date(to - days * 86_400_000), to: new Date(to), asOf: now };
}

export interface DatastreamQuality {
  received: number;
  expected: number;
  /** received / expected, at most 1; null when nothing was expected yet. */
  completeness: number | null;
  freshness: Freshness;
}

/**
 * Completeness counts from the datastream's first reading inside the window, not from the start
 * of its first hourly bucket: a device installed last week is judged on last week, and one
 * started at 12:40 is not judged for 12:00-12:40. That first reading and one per interval after
 * it, up to when the counts were read, are expected, so a device that kept its interval has all
 * it promised. A device that never reported in the window has no completeness, and its freshness
 * says so.
 */
export function datastreamQuality(
  datastream: {
    expectedIntervalSeconds: number;
    firstReadingAt: string | null;
    series: readonly { bucket: string; count: number }[];
  },
  latest: Date | undefined,
  window: QualityWindow,
  now: Date,
): DatastreamQuality {
  const received = datastream.series.reduce((sum, bucket) => sum + bucket.count, 0);
  const expected =
    received > 0 && datastream.firstReadingAt !== null
      ? expectedReadings(
          Date.parse(datastream.firstReadingAt),
          window.asOf.getTime(),
          datastream.expectedIntervalSeconds,
        )
      : 0;
  return {
    received,
    expected,
    completeness: expected > 0 ? Math.min(1, received / expected) : null,
    freshness: freshness(latest, datastream.expectedIntervalSeconds, now),
  };
}

/** The first reading at `first` and one every interval after it, up to `end` (milliseconds). */
function expectedReadings(first: number, end: number, intervalSeconds: number): number {
  return Math.floor(Math.max(0, end - first) / 1000 / intervalSeconds) + 1;
}

/**
 * A device that sends more often than its datastream declares has more readings than expected;
 * "69 of 20" would read as a miscount, so the text says that it sent more.
 */
export function readingsMessage(quality: DatastreamQuality): 'quality.received' | 'quality.receivedMore' {
  return quality.received > quality.expected ? 'quality.receivedMore' : 'quality.received';
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
