import type { ProgressReport } from '#lib/graphql/reports.ts';

/** A progress report as the gateway sends it, for the tests of the reporting area. */
export function sampleReport(
  id: string,
  status: ProgressReport['status'],
  { owner = { id: 'agency-bpbd', acronym: 'BPBD' }, submittedAt = '2026-11-30T08:00:00Z' } = {},
): ProgressReport {
  return {
    id,
    databaseId: id,
    value: 24,
    observedOn: '2026-11-30',
    evidenceUrl: null,
    note: '',
    reporter: 'Pelapor BPBD (contoh)',
    submittedAt,
    status,
    reviewer: status === 'SUBMITTED' ? null : 'Admin Bappelitbangda (contoh)',
    reviewedAt: null,
    rejectionReason: status === 'REJECTED' ? 'Lampirkan bukti' : null,
    kpi: {
      id: 'villages',
      name: { id: 'Desa menerima peringatan', en: 'Villages receiving warnings' },
      unit: 'desa',
      programme: { id: 'flood', name: { id: 'Peringatan dini banjir', en: 'Flood early warning' }, owner },
    },
  };
}
