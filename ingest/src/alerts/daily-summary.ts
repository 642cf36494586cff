/**
 * When the daily summary is due: pure, the clock is the caller's. The regency keeps WITA
 * (Asia/Makassar, UTC+8), so the day and the time of day are local, not UTC.
 */
import { z } from 'zod';

/** The local time of day the summary is sent, in an IANA time zone. */
export interface DailySummarySchedule {
  hour: number;
  minute: number;
  timeZone: string;
}

/** `HH:MM` (24-hour) or `off`, as the configuration variables take it. */
export const summaryTimeSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|off)$/, 'must be a local time HH:MM (24-hour), e.g. 07:00, or off');

export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Makassar (WITA)');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The schedule of a validated `HH:MM` or `off` (undefined: no summaries). */
export function summarySchedule(time: string, timeZone: string): DailySummarySchedule | undefined {
  const match = /^(\d\d):(\d\d)$/.exec(time);
  if (!match) return undefined;
  return { hour: Number(match[1]), minute: Number(match[2]), timeZone };
}

/**
 * The local day (YYYY-MM-DD) whose summary is due at `now` (ms): today's, once the local time
 * of day has reached the schedule's, and undefined before. An evaluator that was down at the
 * time sends today's summary when it is back; a day it missed entirely is not sent afterwards.
 */
export function dueSummaryDay(now: number, schedule: DailySummarySchedule): string | undefined {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: schedule.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const minutes = Number(part('hour')) * 60 + Number(part('minute'));
  if (minutes < schedule.hour * 60 + schedule.minute) return undefined;
  return `${part('year')}-${part('month')}-${part('day')}`;
}
