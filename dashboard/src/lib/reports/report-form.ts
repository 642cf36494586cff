import type { ReportableKpi, SubmitProgressReportInput } from '#lib/graphql/reports.ts';
import type { MessageKey } from '#lib/i18n/dictionaries.ts';

/** What a reporter typed into one KPI's form, as typed. */
export interface ReportForm {
  value: string;
  observedOn: string;
  evidenceUrl: string;
  note: string;
}

/** Why a field is refused, as a message of the dictionaries with its parameters. */
export interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export type ReportProblems = Partial<Record<keyof ReportForm, Problem>>;

export type CheckedReport =
  | { ok: true; input: SubmitProgressReportInput }
  | { ok: false; problems: ReportProblems };

/** The gateway's limit on the note and the evidence address (gateway/src/schema/progress-report.ts). */
export const MAX_TEXT = 2000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A number as people in the regency write it: `12,5` (Indonesian) or `12.5`. Thousands
 * separators are refused rather than guessed: `1.250` is 1250 in Indonesian and 1.25 in English.
 */
export function parseReportValue(
  text: string,
): { ok: true; value: number } | { ok: false; problem: Problem } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: { key: 'reports.problem.valueRequired' } };
  if (/[.,].*[.,]/.test(trimmed)) return { ok: false, problem: { key: 'reports.problem.valueSeparators' } };
  const normalised = trimmed.replace(',', '.');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(normalised)) {
    return { ok: false, problem: { key: 'reports.problem.valueNotNumber' } };
  }
  const value = Number(normalised);
  if (!Number.isFinite(value)) return { ok: false, problem: { key: 'reports.problem.valueNotNumber' } };
  return { ok: true, value };
}

/** Today in Luwu Utara (WITA, UTC+8): the gateway refuses reports about a later day. */
export function todayInLuwuUtara(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * The days a report on this KPI may describe: inside its window (whose end is the first day
 * after it) and not after today. Undefined while the window has not begun.
 */
export function reportableDays(
  kpi: Pick<ReportableKpi, 'periodStart' | 'periodEnd'>,
  now: Date,
): { first: string; last: string } | undefined {
  const lastOfWindow = addDays(kpi.periodEnd, -1);
  const today = todayInLuwuUtara(now);
  // biome-ignore lint/complexity/useMathMinMax: the days are ISO strings, which Math.min would turn into NaN
  const last = lastOfWindow < today ? lastOfWindow : today;
  return last < kpi.periodStart ? undefined : { first: kpi.periodStart, last };
}

/** An empty form; the day starts at the newest day the KPI takes. */
export function emptyReportForm(
  kpi: Pick<ReportableKpi, 'periodStart' | 'periodEnd'>,
  now: Date,
): ReportForm {
  return { value: '', observedOn: reportableDays(kpi, now)?.last ?? '', evidenceUrl: '', note: '' };
}

/** Checks a form as the gateway will, so that the reporter learns why before sending. */
export function checkReport(kpi: ReportableKpi, form: ReportForm, now: Date): CheckedReport {
  const problems: ReportProblems = {};
  const value = parseReportValue(form.value);
  if (!value.ok) problems.value = value.problem;

  const days = reportableDays(kpi, now);
  const day = form.observedOn.trim();
  if (day === '') problems.observedOn = { key: 'reports.problem.dayRequired' };
  else if (!DAY.test(day) || Number.isNaN(Date.parse(day)))
    problems.observedOn = { key: 'reports.problem.dayInvalid' };
  else if (day > todayInLuwuUtara(now)) problems.observedOn = { key: 'reports.problem.dayFuture' };
  else if (!days || day < days.first || day > days.last) {
    problems.observedOn = {
      key: 'reports.problem.dayOutsideWindow',
      params: { first: kpi.periodStart, last: addDays(kpi.periodEnd, -1) },
    };
  }

  const evidenceUrl = form.evidenceUrl.trim();
  if (evidenceUrl !== '' && (!/^https?:\/\/\S+$/i.test(evidenceUrl) || evidenceUrl.length > MAX_TEXT)) {
    problems.evidenceUrl = { key: 'reports.problem.evidenceUrl', params: { max: MAX_TEXT } };
  }
  const note = form.note.trim();
  if (note.length > MAX_TEXT)
    problems.note = { key: 'reports.problem.noteTooLong', params: { max: MAX_TEXT } };

  if (!value.ok || Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, input: { kpiId: kpi.id, value: value.value, observedOn: day, evidenceUrl, note } };
}
