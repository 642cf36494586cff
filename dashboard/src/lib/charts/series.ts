// Pure time-series logic of the charts: which bucket a range asks the gateway for, the window
// it covers, how live readings extend the buckets, and the axis ticks.

export type SeriesBucket = 'MINUTE' | 'FIVE_MINUTES' | 'HOUR' | 'DAY';

export const BUCKET_SECONDS: Record<SeriesBucket, number> = {
  MINUTE: 60,
  FIVE_MINUTES: 300,
  HOUR: 3_600,
  DAY: 86_400,
};

/** The zoom buttons, shortest first. */
export const RANGES = ['6h', '24h', '7d', '30d', '90d'] as const;
export type RangeKey = (typeof RANGES)[number];

export const RANGE_SECONDS: Record<RangeKey, number> = {
  '6h': 6 * 3_600,
  '24h': 24 * 3_600,
  '7d': 7 * 86_400,
  '30d': 30 * 86_400,
  '90d': 90 * 86_400,
};

/**
 * A chart is a few hundred pixels wide: more points than this only cost bytes and rendering.
 * It is also far below the gateway's 5000-bucket limit.
 */
export const MAX_POINTS = 800;

/** The finest bucket that keeps the range within `maxPoints`: longer ranges get coarser buckets. */
export function chooseBucket(rangeSeconds: number, maxPoints = MAX_POINTS): SeriesBucket {
  const order: SeriesBucket[] = ['MINUTE', 'FIVE_MINUTES', 'HOUR', 'DAY'];
  return order.find((bucket) => rangeSeconds / BUCKET_SECONDS[bucket] <= maxPoints) ?? 'DAY';
}

// Luwu Utara is on WITA (UTC+8) all year; the gateway aligns day buckets to its midnight.
const WITA_OFFSET_MS = 8 * 3_600_000;

/** Start of the bucket holding `time`, as the gateway aligns it. */
export function bucketStart(time: number, bucket: SeriesBucket): number {
  const width = BUCKET_SECONDS[bucket] * 1000;
  const offset = bucket === 'DAY' ? WITA_OFFSET_MS : 0;
  return Math.floor((time + offset) / width) * width - offset;
}

export interface SeriesWindow {
  bucket: SeriesBucket;
  from: Date;
  to: Date;
}

/**
 * The window of a range ending now, rounded out to whole hours: the gateway answers whole-hour
 * ranges of hour and day buckets from its hourly aggregate instead of the raw readings.
 */
export function seriesWindow(range: RangeKey, now: Date): SeriesWindow {
  const bucket = chooseBucket(RANGE_SECONDS[range]);
  const to = bucketStart(now.getTime(), 'HOUR') + 3_600_000;
  return { bucket, from: new Date(to - RANGE_SECONDS[range] * 1000), to: new Date(to) };
}

export interface ChartPoint {
  /** Start of the bucket, epoch milliseconds. */
  time: number;
  /** The bucket's average. */
  value: number;
  /**
   * The bucket's lowest and highest reading. An average smooths a short peak away (a river's
   * crest of minutes in an hour's bucket), and the peak is what a threshold is about.
   */
  low: number;
  high: number;
  count: number;
}

/** A series point as the gateway answers it: the bucket's average and its extremes. */
export interface SeriesPoint {
  bucket: string;
  value: number;
  min: number;
  max: number;
  count: number;
}

export function chartPoints(series: readonly SeriesPoint[]): ChartPoint[] {
  return series.map((point) => ({
    time: Date.parse(point.bucket),
    value: point.value,
    low: point.min,
    high: point.max,
    count: point.count,
  }));
}

/**
 * Folds live readings into the buckets: a reading in a known bucket updates its mean and
 * extremes, one in a new bucket adds it; readings outside [from, to) are left to the next load. Returns a new
 * array (the input is kept) sorted by time.
 */
export function mergeReadings(
  points: readonly ChartPoint[],
  readings: Iterable<{ time: number; value: number }>,
  window: { bucket: SeriesBucket; from: number; to: number },
): ChartPoint[] {
  const byTime = new Map(points.map((point) => [point.time, { ...point }]));
  let added = false;
  for (const reading of readings) {
    if (reading.time < window.from || reading.time >= window.to || !Number.isFinite(reading.value)) continue;
    const start = bucketStart(reading.time, window.bucket);
    const point = byTime.get(start);
    if (point) {
      point.value = (point.value * point.count + reading.value) / (point.count + 1);
      point.low = Math.min(point.low, reading.value);
      point.high = Math.max(point.high, reading.value);
      point.count++;
    } else {
      byTime.set(start, {
        time: start,
        value: reading.value,
        low: reading.value,
        high: reading.value,
        count: 1,
      });
      added = true;
    }
  }
  const merged = [...byTime.values()];
  return added ? merged.sort((a, b) => a.time - b.time) : merged;
}

/**
 * Runs of consecutive buckets: the gateway leaves empty buckets out, and a line drawn across
 * such a gap would show data that was never received.
 */
export function segments(points: readonly ChartPoint[], bucket: SeriesBucket): ChartPoint[][] {
  const width = BUCKET_SECONDS[bucket] * 1000;
  const runs: ChartPoint[][] = [];
  let run: ChartPoint[] = [];
  for (const point of points) {
    const previous = run.at(-1);
    if (previous && point.time - previous.time > width * 1.5) {
      runs.push(run);
      run = [];
    }
    run.push(point);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let tick = first; ticks.length < 100; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
    if (tick >= max) break;
  }
  return ticks;
}
