/** Series bucket widths the API offers, narrowest first. */
export const BUCKET_SECONDS = { MINUTE: 60, FIVE_MINUTES: 300, HOUR: 3600, DAY: 86_400 } as const;

export type BucketName = keyof typeof BUCKET_SECONDS;

/** Past this, a chart gets more points than pixels; the client should pick a larger bucket. */
export const MAX_SERIES_POINTS = 5000;

/** Points a chart gets when it leaves the bucket to the server. */
export const DEFAULT_MAX_POINTS = 500;

/** Buckets [from, to) spans at `bucketSeconds` each. */
export function bucketCount(from: Date, to: Date, bucketSeconds: number): number {
  return Math.ceil((to.getTime() - from.getTime()) / 1000 / bucketSeconds);
}

/**
 * Server-side downsampling: the narrowest bucket that keeps [from, to) within `maxPoints`, or the
 * widest bucket when none does (a range of years at day buckets; the caller's limit check decides).
 */
export function narrowestBucketWithin(from: Date, to: Date, maxPoints: number): BucketName {
  const names = Object.keys(BUCKET_SECONDS) as BucketName[];
  return names.find((name) => bucketCount(from, to, BUCKET_SECONDS[name]) <= maxPoints) ?? 'DAY';
}
