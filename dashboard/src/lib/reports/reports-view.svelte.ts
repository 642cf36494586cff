import type { Client } from '@urql/core';
import { type Refusal, refusalOf } from '#lib/graphql/refusal.ts';
import {
  type ProgressReport,
  type ProgressReportChangedData,
  ProgressReportChangedSubscription,
  ProgressReportsQuery,
  type ReportableKpi,
  ReportableKpisQuery,
  type ReportableProgramme,
  ReviewProgressReportMutation,
  SubmitProgressReportMutation,
} from '#lib/graphql/reports.ts';
import { LiveSubscription } from '#lib/live-subscription.ts';
import { checkReport, type Problem, type ReportForm, type ReportProblems } from './report-form.ts';
import { queueAfter, withReport } from './report-lists.ts';

export interface ReportsViewOptions {
  client: Client;
  /** The reporter's agency; null for an administrator, who reports for any. */
  agencyId: string | null;
  canSubmit: boolean;
  canReview: boolean;
  /** What the live stream is fetched with; tests pass a fake. */
  fetch?: typeof fetch;
  retryDelay?: (attempt: number) => number;
  now?: () => Date;
}

export interface ReportableEntry {
  programme: ReportableProgramme;
  kpi: ReportableKpi;
}

export type SubmitOutcome =
  | { ok: true; report: ProgressReport }
  | { ok: false; problems: ReportProblems }
  | { ok: false; refusal: Refusal };

export type ReviewOutcome = { ok: true } | { ok: false; problem: Problem } | { ok: false; refusal: Refusal };

/** A decision the gateway refused, kept after the report may have left the queue. */
export interface RefusedReview {
  report: ProgressReport;
  refusal: Refusal;
}

/**
 * The OPD reporting area: the REPORTED KPIs a person may report on, their agency's reports
 * and, for reviewers, the queue of submitted reports. One `progressReportChanged` stream keeps
 * all three current, so a report decided by another reviewer leaves the queue before anyone
 * decides it twice (the gateway refuses the second decision anyway).
 */
export class ReportsView {
  #programmes = $state.raw<ReportableProgramme[] | undefined>(undefined);
  #reports = $state.raw<ProgressReport[] | undefined>(undefined);
  #queue = $state.raw<ProgressReport[] | undefined>(undefined);
  #loadFailed = $state(false);
  #refusedReview = $state.raw<RefusedReview | undefined>(undefined);

  readonly #client: Client;
  readonly #agencyId: string | null;
  readonly #canSubmit: boolean;
  readonly #canReview: boolean;
  readonly #now: () => Date;
  readonly #stream: LiveSubscription<ProgressReportChangedData, Record<string, never>>;
  #running = false;
  #generation = 0;

  readonly kpis: ReportableEntry[] = $derived.by(() =>
    (this.#programmes ?? []).flatMap((programme) =>
      programme.kpis.filter((kpi) => kpi.source === 'REPORTED').map((kpi) => ({ programme, kpi })),
    ),
  );

  constructor(options: ReportsViewOptions) {
    this.#client = options.client;
    this.#agencyId = options.agencyId;
    this.#canSubmit = options.canSubmit;
    this.#canReview = options.canReview;
    this.#now = options.now ?? (() => new Date());
    this.#stream = new LiveSubscription({
      client: options.client,
      query: ProgressReportChangedSubscription,
      variables: {},
      onData: (data) => this.#changed(data.progressReportChanged),
      // Changes made while the stream was down reach the screen only through a fresh load.
      onOpen: (reopened) => {
        if (reopened) void this.reload();
      },
      fetch: options.fetch,
      retryDelay: options.retryDelay,
    });
  }

  /** Undefined until loaded, and for people who may not submit. */
  get reports(): readonly ProgressReport[] | undefined {
    return this.#reports;
  }

  /** Submitted reports awaiting a decision; undefined until loaded and for non-reviewers. */
  get queue(): readonly ProgressReport[] | undefined {
    return this.#queue;
  }

  /** The reviewer's last refused decision, until the next decision. */
  get refusedReview(): RefusedReview | undefined {
    return this.#refusedReview;
  }

  get loaded(): boolean {
    return (
      (!this.#canSubmit || this.#reports !== undefined) && (!this.#canReview || this.#queue !== undefined)
    );
  }

  get loadFailed(): boolean {
    return this.#loadFailed;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Subscribe before loading, so that no change committed in between is missed.
    this.#stream.start();
    void this.reload();
  }

  stop(): void {
    this.#running = false;
    this.#stream.stop();
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation;
    const [programmes, reports, queue] = await Promise.all([
      this.#canSubmit ? this.#loadProgrammes() : undefined,
      this.#canSubmit ? this.#loadReports({ status: null, agencyId: this.#agencyId }) : undefined,
      this.#canReview ? this.#loadReports({ status: 'SUBMITTED', agencyId: null }) : undefined,
    ]);
    if (!this.#running || generation !== this.#generation) return;
    if (programmes instanceof Error || reports instanceof Error || queue instanceof Error) {
      this.#loadFailed = true;
      return;
    }
    this.#loadFailed = false;
    this.#programmes = programmes;
    this.#reports = reports;
    this.#queue = queue;
  }

  async submit(kpi: ReportableKpi, form: ReportForm): Promise<SubmitOutcome> {
    const checked = checkReport(kpi, form, this.#now());
    if (!checked.ok) return checked;
    const result = await this.#client
      .mutation(SubmitProgressReportMutation, { input: checked.input })
      .toPromise();
    if (!result.data) return { ok: false, refusal: refusalOf(result.error) };
    this.#changed(result.data.submitProgressReport);
    return { ok: true, report: result.data.submitProgressReport };
  }

  async review(report: ProgressReport, approve: boolean, reason: string): Promise<ReviewOutcome> {
    const trimmed = reason.trim();
    if (!approve && trimmed === '') return { ok: false, problem: { key: 'reports.problem.reasonRequired' } };
    this.#refusedReview = undefined;
    const result = await this.#client
      .mutation(ReviewProgressReportMutation, {
        input: { id: report.id, approve, reason: approve ? null : trimmed },
      })
      .toPromise();
    if (!result.data) {
      // Most often someone else decided it first: the queue is loaded again to show that, and
      // the refusal is kept by the view because the report's card may leave with it.
      const refusal = refusalOf(result.error);
      this.#refusedReview = { report, refusal };
      void this.reload();
      return { ok: false, refusal };
    }
    this.#changed(result.data.reviewProgressReport);
    return { ok: true };
  }

  #changed(report: ProgressReport): void {
    if (this.#reports && (this.#agencyId === null || report.kpi.programme.owner.id === this.#agencyId)) {
      this.#reports = withReport(this.#reports, report);
    }
    if (this.#queue) this.#queue = queueAfter(this.#queue, report);
    // The latest approved value of the KPI changed.
    if (report.status === 'APPROVED' && this.kpis.some((entry) => entry.kpi.id === report.kpi.id)) {
      void this.#loadProgrammes().then((programmes) => {
        if (this.#running && !(programmes instanceof Error)) this.#programmes = programmes;
      });
    }
  }

  async #loadProgrammes(): Promise<ReportableProgramme[] | Error> {
    const result = await this.#client
      .query(ReportableKpisQuery, { ownerId: this.#agencyId }, { requestPolicy: 'network-only' })
      .toPromise();
    return result.data?.programmes.nodes ?? result.error ?? new Error('the KPI query answered without data');
  }

  async #loadReports(variables: {
    status: 'SUBMITTED' | null;
    agencyId: string | null;
  }): Promise<ProgressReport[] | Error> {
    const result = await this.#client
      .query(ProgressReportsQuery, variables, { requestPolicy: 'network-only' })
      .toPromise();
    return (
      result.data?.progressReports.nodes ??
      result.error ??
      new Error('the report query answered without data')
    );
  }
}
