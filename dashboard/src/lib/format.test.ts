import { describe, expect, it } from 'vitest';
import { formatNumber, formatObservedAt } from './format.ts';

describe('formatNumber', () => {
  it('uses a decimal comma in Indonesian and a decimal point in English', () => {
    expect(formatNumber(4.56, 'id')).toBe('4,56');
    expect(formatNumber(4.56, 'en')).toBe('4.56');
  });

  it('groups thousands the local way', () => {
    expect(formatNumber(12345.6, 'id')).toBe('12.345,6');
    expect(formatNumber(12345.6, 'en')).toBe('12,345.6');
  });

  it('rounds to at most two decimals and does not pad', () => {
    expect(formatNumber(1.23456, 'id')).toBe('1,23');
    expect(formatNumber(3, 'en')).toBe('3');
    expect(formatNumber(-0.5, 'id')).toBe('-0,5');
  });
});

describe('formatObservedAt', () => {
  // Local-time constructors: the assertions hold in whatever time zone the tests run.
  const now = new Date(2026, 10, 29, 14, 30, 0);

  it('shows only the time for a reading from today', () => {
    const time = new Date(2026, 10, 29, 9, 5, 7);
    expect(formatObservedAt(time, 'id', now)).toBe('09.05.07');
    expect(formatObservedAt(time, 'en', now)).toBe('09:05:07');
  });

  it('adds the date for an older reading, so it cannot pass for a fresh one', () => {
    const time = new Date(2026, 10, 27, 9, 5, 7);
    expect(formatObservedAt(time, 'id', now)).toMatch(/^27 Nov 2026.*09\.05\.07$/);
    expect(formatObservedAt(time, 'en', now)).toMatch(/^27 Nov 2026.*09:05:07$/);
  });
});
