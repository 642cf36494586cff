import { describe, expect, it } from 'vitest';
import type { ReportableKpi } from '#lib/graphql/reports.ts';
import {
  checkReport,
  emptyReportForm,
  parseReportValue,
  reportableDays,
  todayInLuwuUtara,
} from './report-form.ts';

const kpi: ReportableKpi = {
  id: 'S3BpOmZsb29k',
  databaseId: 'flood-villages-reached',
  name: { id: 'Desa menerima peringatan', en: 'Villages receiving warnings' },
  unit: 'desa',
  direction: 'INCREASE',
  source: 'REPORTED',
  baseline: 0,
  target: 36,
  periodStart: '2026-01-01',
  periodEnd: '2027-01-01',
  reports: [],
};
// 08:00 UTC is 16:00 in Luwu Utara (WITA, UTC+8).
const now = new Date('2026-12-01T08:00:00Z');
const form = { value: '24', observedOn: '2026-11-30', evidenceUrl: '', note: '' };

describe('parseReportValue', () => {
  it.each([
    ['24', 24],
    ['12,5', 12.5],
    ['12.5', 12.5],
    [' -3 ', -3],
    ['0,75', 0.75],
  ])('reads %j as %d', (text, value) => {
    expect(parseReportValue(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'reports.problem.valueRequired'],
    ['   ', 'reports.problem.valueRequired'],
    ['dua puluh', 'reports.problem.valueNotNumber'],
    ['12 desa', 'reports.problem.valueNotNumber'],
    ['1e3', 'reports.problem.valueNotNumber'],
    // Indonesian 1.250,5 and English 1,250.5 cannot both be right: neither is guessed.
    ['1.250,5', 'reports.problem.valueSeparators'],
    ['1,250.5', 'reports.problem.valueSeparators'],
  ])('refuses %j with %s', (text, key) => {
    expect(parseReportValue(text)).toEqual({ ok: false, problem: { key } });
  });

  it('reads a single separator as the decimal one, as the hint says', () => {
    expect(parseReportValue('1,250')).toEqual({ ok: true, value: 1.25 });
  });
});

describe('days a report may describe', () => {
  it('takes today in Luwu Utara, which starts eight hours before UTC', () => {
    expect(todayInLuwuUtara(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(todayInLuwuUtara(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
  });

  it('ends at today inside the window and at its last day after it', () => {
    expect(reportableDays(kpi, now)).toEqual({ first: '2026-01-01', last: '2026-12-01' });
    expect(reportableDays(kpi, new Date('2027-03-01T00:00:00Z'))).toEqual({
      first: '2026-01-01',
      last: '2026-12-31',
    });
  });

  it('has none before the window begins', () => {
    expect(reportableDays(kpi, new Date('2025-06-01T00:00:00Z'))).toBeUndefined();
    expect(emptyReportForm(kpi, new Date('2025-06-01T00:00:00Z')).observedOn).toBe('');
  });

  it('starts a form at the newest day the KPI takes', () => {
    expect(emptyReportForm(kpi, now)).toEqual({
      value: '',
      observedOn: '2026-12-01',
      evidenceUrl: '',
      note: '',
    });
  });
});

describe('checkReport', () => {
  it('turns a valid form into the gateway input, trimmed', () => {
    expect(
      checkReport(
        kpi,
        {
          value: '24,5',
          observedOn: '2026-11-30',
          evidenceUrl: ' https://contoh.bisa.id/b.pdf ',
          note: ' rekap ',
        },
        now,
      ),
    ).toEqual({
      ok: true,
      input: {
        kpiId: kpi.id,
        value: 24.5,
        observedOn: '2026-11-30',
        evidenceUrl: 'https://contoh.bisa.id/b.pdf',
        note: 'rekap',
      },
    });
  });

  it.each([
    ['', 'reports.problem.dayRequired'],
    ['30/11/2026', 'reports.problem.dayInvalid'],
    ['2026-12-02', 'reports.problem.dayFuture'],
    ['2025-12-31', 'reports.problem.dayOutsideWindow'],
  ])('refuses the day %j with %s', (observedOn, key) => {
    const checked = checkReport(kpi, { ...form, observedOn }, now);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.observedOn?.key).toBe(key);
  });

  it("names the KPI's window, last day included, when the day lies outside it", () => {
    const checked = checkReport(kpi, { ...form, observedOn: '2025-12-31' }, now);
    expect(checked).toEqual({
      ok: false,
      problems: {
        observedOn: {
          key: 'reports.problem.dayOutsideWindow',
          params: { first: '2026-01-01', last: '2026-12-31' },
        },
      },
    });
  });

  it('refuses evidence that is not an http(s) address, and every bad field at once', () => {
    const checked = checkReport(
      kpi,
      { value: 'x', observedOn: '2026-11-30', evidenceUrl: 'ftp://contoh.bisa.id/b', note: 'n'.repeat(2001) },
      now,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.problems).sort()).toEqual(['evidenceUrl', 'note', 'value']);
    expect(checked.problems.evidenceUrl).toEqual({
      key: 'reports.problem.evidenceUrl',
      params: { max: 2000 },
    });
  });

  it('takes a report without evidence or note', () => {
    expect(checkReport(kpi, form, now).ok).toBe(true);
  });
});
