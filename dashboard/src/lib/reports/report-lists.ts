import type { ProgressReport } from '#lib/graphql/reports.ts';

const newestFirst = (a: ProgressReport, b: ProgressReport) =>
  b.submittedAt.localeCompare(a.submittedAt) || b.id.localeCompare(a.id);

/** The list with this report in it (replaced when already there), newest submission first. */
export function withReport(list: readonly ProgressReport[], report: ProgressReport): ProgressReport[] {
  return [...list.filter((listed) => listed.id !== report.id), report].toSorted(newestFirst);
}

/** The reviewers' queue after a change: a decided report leaves it, a submitted one joins it. */
export function queueAfter(queue: readonly ProgressReport[], report: ProgressReport): ProgressReport[] {
  return report.status === 'SUBMITTED'
    ? withReport(queue, report)
    : queue.filter((queued) => queued.id !== report.id);
}
