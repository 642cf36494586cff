import { describe, expect, it } from 'vitest';
import { dueSummaryDay, summarySchedule, summaryTimeSchema, timeZoneSchema } from './daily-summary.ts';

const WITA_SEVEN = { hour: 7, minute: 0, timeZone: 'Asia/Makassar' };

describe('dueSummaryDay', () => {
  it('is due from the local time of day on, for the local day (WITA is UTC+8)', () => {
    // 06:59 WITA on 1 December is 22:59 UTC on 30 November.
    expect(dueSummaryDay(Date.parse('2026-11-30T22:59:59Z'), WITA_SEVEN)).toBeUndefined();
    expect(dueSummaryDay(Date.parse('2026-11-30T23:00:00Z'), WITA_SEVEN)).toBe('2026-12-01');
    // Still 1 December in WITA until 16:00 UTC; then the next day, not due before its 07:00.
    expect(dueSummaryDay(Date.parse('2026-12-01T15:59:00Z'), WITA_SEVEN)).toBe('2026-12-01');
    expect(dueSummaryDay(Date.parse('2026-12-01T16:00:00Z'), WITA_SEVEN)).toBeUndefined();
  });

  it('follows another zone and time', () => {
    const jakartaEvening = { hour: 18, minute: 30, timeZone: 'Asia/Jakarta' };
    expect(dueSummaryDay(Date.parse('2026-12-01T11:29:00Z'), jakartaEvening)).toBeUndefined();
    expect(dueSummaryDay(Date.parse('2026-12-01T11:30:00Z'), jakartaEvening)).toBe('2026-12-01');
  });
});

describe('schedule configuration', () => {
  it('takes HH:MM or off and IANA zones, and refuses the rest', () => {
    expect(summaryTimeSchema.safeParse('07:00').success).toBe(true);
    expect(summaryTimeSchema.safeParse('off').success).toBe(true);
    expect(summaryTimeSchema.safeParse('7:00').success).toBe(false);
    expect(summaryTimeSchema.safeParse('24:00').success).toBe(false);
    expect(timeZoneSchema.safeParse('Asia/Makassar').success).toBe(true);
    expect(timeZoneSchema.safeParse('WITA').success).toBe(false);
    expect(summarySchedule('06:45', 'Asia/Makassar')).toEqual({
      hour: 6,
      minute: 45,
      timeZone: 'Asia/Makassar',
    });
    expect(summarySchedule('off', 'Asia/Makassar')).toBeUndefined();
  });
});
