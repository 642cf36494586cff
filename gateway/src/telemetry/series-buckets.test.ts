import { describe, expect, it } from 'vitest';
import { bucketCount, narrowestBucketWithin } from './series-buckets.ts';

const from = new Date('2026-11-01T00:00:00Z');
const after = (hours: number) => new Date(from.getTime() + hours * 3_600_000);

describe('series buckets', () => {
  it('counts partial buckets as whole', () => {
    expect(bucketCount(from, after(1), 60)).toBe(60);
    expect(bucketCount(from, new Date(from.getTime() + 61_000), 60)).toBe(2);
  });

  it('picks the narrowest bucket that keeps the range within the points asked for', () => {
    expect(narrowestBucketWithin(from, after(6), 500)).toBe('MINUTE'); // 360 points
    expect(narrowestBucketWithin(from, after(24), 500)).toBe('FIVE_MINUTES'); // 288 points
    expect(narrowestBucketWithin(from, after(24 * 7), 500)).toBe('HOUR'); // 168 points
    expect(narrowestBucketWithin(from, after(24 * 90), 500)).toBe('DAY'); // 90 points
    expect(narrowestBucketWithin(from, after(24), 2000)).toBe('MINUTE'); // 1440 points
  });

  it('falls back to day buckets when even they exceed the points asked for', () => {
    expect(narrowestBucketWithin(from, after(24 * 3650), 500)).toBe('DAY');
  });
});
