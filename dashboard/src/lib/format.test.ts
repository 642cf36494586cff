import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('warmFormats', () => {
  // A fresh copy of the module each time: its formatter caches are module state.
  const freshFormat = async () => {
    vi.resetModules();
    return import('./format.ts');
  };
  const NumberFormat = Intl.NumberFormat;
  const DateTimeFormat = Intl.DateTimeFormat;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('builds one formatter in each scheduled task, and formatting afterwards builds none', async () => {
    const format = await freshFormat();
    const built: string[] = [];
    // biome-ignore lint/complexity/useArrowFunction: the code calls it with new, which an arrow function cannot take
    vi.spyOn(Intl, 'NumberFormat').mockImplementation(function (...args) {
      built.push('number');
      return new NumberFormat(...args);
    });
    // biome-ignore lint/complexity/useArrowFunction: the code calls it with new, which an arrow function cannot take
    vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (...args) {
      built.push('date-time');
      return new DateTimeFormat(...args);
    });
    const tasks: (() => void)[] = [];
    format.warmFormats('id', (task) => tasks.push(task));

    const perTask: number[] = [];
    while (tasks.length > 0) {
      const before = built.length;
      tasks.shift()?.();
      perTask.push(built.length - before);
    }
    expect(perTask).toEqual([1, 1, 1, 1]);

    const time = new Date(2026, 10, 29, 9, 5, 7);
    expect(format.formatNumber(4.56, 'id')).toBe('4,56');
    expect(format.formatPercent(0.425, 'id')).toMatch(/^43\s?%$/);
    expect(format.formatTime(time, 'id')).toBe('09.05.07');
    expect(format.formatDateTime(time, 'id')).toMatch(/^29 Nov 2026.*09\.05\.07$/);
    expect(built).toHaveLength(4);
  });

  it('builds nothing before its first task runs', async () => {
    const format = await freshFormat();
    const spy = vi.spyOn(Intl, 'NumberFormat');
    format.warmFormats('en', () => {});
    expect(spy).not.toHaveBeenCalled();
  });
});
