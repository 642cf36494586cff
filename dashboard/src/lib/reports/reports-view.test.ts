import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import type { ProgressReport, ReportableProgramme } from '#lib/graphql/reports.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import { ReportsView } from './reports-view.svelte.ts';
import { sampleReport } from './testing.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const BPBD = { id: 'agency-bpbd', acronym: 'BPBD' };
const DLH = { id: 'agency-dlh', acronym: 'DLH' };

const kpi = (id: string, source: 'REPORTED' | 'COMPUTED', approved: number[] = []) => ({
  id,
  databaseId: id,
  name: { id: id, en: id },
  unit: 'desa',
  direction: 'INCREASE' as const,
  source,
  baseline: 0,
  target: 36,
  periodStart: '2026-01-01',
  periodEnd: '2027-01-01',
  reports: approved.map((value) => ({ value, observedOn: '2026-05-31' })),
});

const programme = (approved: number[] = [12]): ReportableProgramme => ({
  id: 'flood',
  databaseId: 'flood-early-warning',
  name: { id: 'Peringatan dini banjir', en: 'Flood early warning' },
  owner: BPBD,
  kpis: [kpi('villages', 'REPORTED', approved), kpi('river-level', 'COMPUTED')],
});

const report = (
  id: string,
  status: ProgressReport['status'],
  owner = BPBD,
  submittedAt = '2026-11-30T08:00:00Z',
) => sampleReport(id, status, { owner, submittedAt });

function setUp(options: { agencyId: string | null; canReview: boolean }) {
  const asked: { operation: string; variables: Record<string, unknown> }[] = [];
  let approved = [12];
  const gateway = fakeGateway((query, variables) => {
    const operation = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? '';
    asked.push({ operation, variables });
    switch (operation) {
      case 'ReportableKpis':
        return Response.json({ data: { programmes: { nodes: [programme(approved)] } } });
      case 'ProgressReports':
        return Response.json({
          data: {
            progressReports: {
              nodes:
                variables.status === 'SUBMITTED'
                  ? [report('queued', 'SUBMITTED', DLH)]
                  : [report('mine', 'REJECTED')],
            },
          },
        });
      case 'SubmitProgressReport':
        return Response.json({
          data: { submitProgressReport: report('new', 'SUBMITTED', BPBD, '2026-12-01T08:00:00Z') },
        });
      default:
        return Response.json({
          errors: [
            {
              message: 'Report "queued" was reviewed by someone else in the meantime',
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ],
        });
    }
  });
  vi.stubGlobal('fetch', gateway.fetch);
  const view = new ReportsView({
    client: createGraphqlClient('http://hub.test/graphql'),
    canSubmit: true,
    ...options,
    fetch: gateway.fetch,
    retryDelay: () => 0,
    now: () => new Date('2026-12-01T08:00:00Z'),
  });
  const sent = (operation: string) => asked.filter((entry) => entry.operation === operation);
  return { gateway, view, sent, approve: (value: number) => (approved = [value, ...approved]) };
}

const changed = (changedReport: ProgressReport) => ({ progressReportChanged: changedReport });

describe('ReportsView', () => {
  it("loads the reporter's agency: its REPORTED KPIs and its reports, and no queue", async () => {
    const { view, sent } = setUp({ agencyId: BPBD.id, canReview: false });
    view.start();
    await vi.waitFor(() => expect(view.loaded).toBe(true));
    expect(view.kpis.map((entry) => entry.kpi.id)).toEqual(['villages']);
    expect(view.reports?.map((r) => r.id)).toEqual(['mine']);
    expect(view.queue).toBeUndefined();
    expect(sent('ReportableKpis')[0]?.variables).toEqual({ ownerId: BPBD.id });
    expect(sent('ProgressReports').map((entry) => entry.variables)).toEqual([
      { status: null, agencyId: BPBD.id },
    ]);
    view.stop();
  });

  it('follows changes live: own reports, the queue, and the latest approved value', async () => {
    const { gateway, view, sent, approve } = setUp({ agencyId: BPBD.id, canReview: true });
    view.start();
    await vi.waitFor(() => expect(view.loaded).toBe(true));
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    expect(view.queue?.map((r) => r.id)).toEqual(['queued']);

    // Another agency's report joins the queue but not this agency's list.
    gateway.send(
      /progressReportChanged/,
      changed(report('dlh-new', 'SUBMITTED', DLH, '2026-12-01T09:00:00Z')),
    );
    await vi.waitFor(() => expect(view.queue?.map((r) => r.id)).toEqual(['dlh-new', 'queued']));
    expect(view.reports?.map((r) => r.id)).toEqual(['mine']);
    // Decided by another reviewer: it leaves this reviewer's queue before they decide it too.
    gateway.send(/progressReportChanged/, changed(report('queued', 'REJECTED', DLH)));
    await vi.waitFor(() => expect(view.queue?.map((r) => r.id)).toEqual(['dlh-new']));

    // Approved elsewhere: it leaves the queue, its status changes here, and its KPI's value is loaded again.
    approve(24);
    gateway.send(/progressReportChanged/, changed(report('mine', 'APPROVED')));
    await vi.waitFor(() => expect(view.reports?.[0]?.status).toBe('APPROVED'));
    await vi.waitFor(() => expect(view.kpis[0]?.kpi.reports[0]?.value).toBe(24));
    expect(sent('ReportableKpis')).toHaveLength(2);
    view.stop();
  });

  it('explains a refused form without asking the gateway, and lists a sent report at once', async () => {
    const { view, sent } = setUp({ agencyId: BPBD.id, canReview: false });
    view.start();
    await vi.waitFor(() => expect(view.loaded).toBe(true));
    const entry = view.kpis[0];
    if (!entry) throw new Error('no reportable KPI');

    const refused = await view.submit(entry.kpi, {
      value: '24 desa',
      observedOn: '2026-12-02',
      evidenceUrl: '',
      note: '',
    });
    expect(refused).toEqual({
      ok: false,
      problems: {
        value: { key: 'reports.problem.valueNotNumber' },
        observedOn: { key: 'reports.problem.dayFuture' },
      },
    });
    expect(sent('SubmitProgressReport')).toHaveLength(0);

    const accepted = await view.submit(entry.kpi, {
      value: '24,5',
      observedOn: '2026-11-30',
      evidenceUrl: '',
      note: 'rekap',
    });
    expect(accepted.ok).toBe(true);
    expect(sent('SubmitProgressReport')[0]?.variables).toEqual({
      input: { kpiId: 'villages', value: 24.5, observedOn: '2026-11-30', evidenceUrl: '', note: 'rekap' },
    });
    expect(view.reports?.map((r) => r.id)).toEqual(['new', 'mine']);
    view.stop();
  });

  it("needs a reason to reject, and keeps the gateway's refusal of a decision taken by someone else", async () => {
    const { view, sent } = setUp({ agencyId: null, canReview: true });
    view.start();
    await vi.waitFor(() => expect(view.loaded).toBe(true));
    const queued = view.queue?.[0];
    if (!queued) throw new Error('nothing queued');

    expect(await view.review(queued, false, '  ')).toEqual({
      ok: false,
      problem: { key: 'reports.problem.reasonRequired' },
    });
    expect(sent('ReviewProgressReport')).toHaveLength(0);

    const loadsBefore = sent('ProgressReports').length;
    const outcome = await view.review(queued, true, '');
    const refusal = {
      key: 'refusal.refused',
      detail: 'Report "queued" was reviewed by someone else in the meantime',
    };
    expect(outcome).toEqual({ ok: false, refusal });
    expect(sent('ReviewProgressReport')[0]?.variables).toEqual({
      input: { id: 'queued', approve: true, reason: null },
    });
    expect(view.refusedReview).toEqual({ report: queued, refusal });
    // The queue is loaded again to show what happened meanwhile.
    await vi.waitFor(() => expect(sent('ProgressReports').length).toBeGreaterThan(loadsBefore));
    view.stop();
  });
});
