import { REPORT_EVENTS_CHANNEL, type ReportEvent } from '@bisa/db/notifications.ts';
import { auditedRefusal, recordAudit } from '../audit.ts';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { badUserInput, notFound } from '../errors.ts';

export const ReportStatus = builder.enumType('ReportStatus', {
  values: ['SUBMITTED', 'APPROVED', 'REJECTED'] as const,
});

builder.prismaObject('ProgressReport', {
  description: 'A value an OPD reports for a REPORTED KPI; it counts once approved.',
  fields: (t) => ({
    id: t.exposeID('id'),
    value: t.exposeFloat('value'),
    observedOn: t.expose('observedOn', { type: 'Date', description: 'The day the value describes.' }),
    evidenceUrl: t.exposeString('evidenceUrl', { nullable: true }),
    note: t.exposeString('note'),
    reporter: t.exposeString('reporter'),
    submittedAt: t.expose('submittedAt', { type: 'DateTime' }),
    status: t.expose('status', { type: ReportStatus }),
    reviewer: t.exposeString('reviewer', { nullable: true }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true }),
    rejectionReason: t.exposeString('rejectionReason', { nullable: true }),
    kpi: t.relation('kpi'),
  }),
});

const SubmitReportInput = builder.inputType('SubmitProgressReportInput', {
  fields: (t) => ({
    kpiId: t.id({ required: true }),
    value: t.float({ required: true }),
    observedOn: t.field({ type: 'Date', required: true, description: 'The day the value describes.' }),
    evidenceUrl: t.string({ required: false, description: 'Link to the evidence (http or https).' }),
    note: t.string({ required: false }),
  }),
});

const ReviewReportInput = builder.inputType('ReviewProgressReportInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    approve: t.boolean({ required: true }),
    reason: t.string({
      required: false,
      description: 'Required when rejecting: what the reporter must fix.',
    }),
  }),
});

const MAX_TEXT = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Today in Luwu Utara (WITA, UTC+8), as the date a report may not be after. */
function todayInLuwuUtara(): Date {
  const wita = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(wita.getUTCFullYear(), wita.getUTCMonth(), wita.getUTCDate()));
}

builder.mutationFields((t) => ({
  submitProgressReport: t.prismaField({
    type: 'ProgressReport',
    description: "Reports a KPI's value; reporters only for their agency's programmes. Counts once approved.",
    args: { input: t.arg({ type: SubmitReportInput, required: true }) },
    // Loading the owner here decides the scope: a reporter of another agency is refused before
    // anything about the KPI is revealed.
    authScopes: async (_root, args, context) => {
      const kpi = await context.prisma.kpi.findUnique({
        where: { id: String(args.input.kpiId) },
        select: { programme: { select: { ownerAgencyId: true } } },
      });
      return { $any: { admin: true, ...(kpi ? { reporterFor: kpi.programme.ownerAgencyId } : {}) } };
    },
    ...auditedRefusal,
    resolve: async (query, _root, { input }, context) => {
      const kpi = await context.prisma.kpi.findUnique({ where: { id: String(input.kpiId) } });
      if (!kpi) throw notFound(`No KPI has the id "${input.kpiId}"`);
      if (kpi.source !== 'REPORTED') {
        throw badUserInput(
          `KPI "${kpi.id}" is computed from telemetry; only REPORTED KPIs take progress reports`,
        );
      }
      if (!Number.isFinite(input.value)) throw badUserInput('value: must be a finite number');
      if (input.observedOn < kpi.periodStart || input.observedOn >= kpi.periodEnd) {
        throw badUserInput(
          `observedOn: must lie in the KPI's window, ${kpi.periodStart.toISOString().slice(0, 10)} to ` +
            `${kpi.periodEnd.toISOString().slice(0, 10)} (exclusive)`,
        );
      }
      if (input.observedOn > todayInLuwuUtara()) throw badUserInput('observedOn: cannot be in the future');
      const evidenceUrl = input.evidenceUrl?.trim() || null;
      if (
        evidenceUrl !== null &&
        (!/^https?:\/\/[^\s]+$/.test(evidenceUrl) || evidenceUrl.length > MAX_TEXT)
      ) {
        throw badUserInput('evidenceUrl: must be an http(s) address of at most 2000 characters');
      }
      const note = input.note?.trim() ?? '';
      if (note.length > MAX_TEXT) throw badUserInput('note: at most 2000 characters');
      const viewer = context.viewer;
      if (!viewer) throw new Error('authScopes let an anonymous request through');
      return context.prisma.$transaction(async (tx) => {
        const reporter = await tx.user.findUniqueOrThrow({ where: { id: viewer.userId } });
        const report = await tx.progressReport.create({
          data: {
            kpiId: kpi.id,
            value: input.value,
            observedOn: input.observedOn,
            evidenceUrl,
            note,
            reporter: reporter.name,
            reporterUserId: reporter.id,
          },
        });
        await recordAudit(tx, viewer, {
          action: 'submitProgressReport',
          outcome: 'ok',
          targetId: report.id,
          detail: { kpiId: kpi.id, value: input.value },
        });
        await notifyReport(tx, { reportId: report.id, kpiId: kpi.id, status: 'SUBMITTED' });
        return tx.progressReport.findUniqueOrThrow({ ...query, where: { id: report.id } });
      });
    },
  }),
  reviewProgressReport: t.prismaField({
    type: 'ProgressReport',
    description: 'Approves or rejects a submitted report (administrators); a rejection needs a reason.',
    args: { input: t.arg({ type: ReviewReportInput, required: true }) },
    authScopes: { admin: true },
    ...auditedRefusal,
    resolve: async (query, _root, { input }, context) => {
      const id = String(input.id);
      const report = UUID.test(id) ? await context.prisma.progressReport.findUnique({ where: { id } }) : null;
      if (!report) throw notFound(`No progress report has the id "${id}"`);
      if (report.status !== 'SUBMITTED') {
        throw badUserInput(
          `Report "${id}" was already ${report.status.toLowerCase()}; submit a new one instead`,
        );
      }
      const viewer = context.viewer;
      if (!viewer) throw new Error('authScopes let an anonymous request through');
      if (report.reporterUserId === viewer.userId) {
        throw badUserInput('You submitted this report; another reviewer must approve or reject it');
      }
      const reason = input.reason?.trim() ?? '';
      if (!input.approve && reason.length === 0) throw badUserInput('reason: say why the report is rejected');
      if (reason.length > MAX_TEXT) throw badUserInput('reason: at most 2000 characters');
      const status = input.approve ? 'APPROVED' : 'REJECTED';
      return context.prisma.$transaction(async (tx) => {
        const reviewer = await tx.user.findUniqueOrThrow({ where: { id: viewer.userId } });
        // Only a still-submitted report changes: two reviewers at once cannot both decide.
        const { count } = await tx.progressReport.updateMany({
          where: { id, status: 'SUBMITTED' },
          data: {
            status,
            reviewer: reviewer.name,
            reviewerUserId: reviewer.id,
            reviewedAt: new Date(),
            rejectionReason: input.approve ? null : reason,
          },
        });
        if (count === 0) throw badUserInput(`Report "${id}" was reviewed by someone else in the meantime`);
        await recordAudit(tx, viewer, {
          action: 'reviewProgressReport',
          outcome: 'ok',
          targetId: id,
          detail: { status },
        });
        await notifyReport(tx, { reportId: id, kpiId: report.kpiId, status });
        return tx.progressReport.findUniqueOrThrow({ ...query, where: { id } });
      });
    },
  }),
}));

/** Queued in the mutation's transaction: delivered to every gateway replica only if it commits. */
async function notifyReport(
  tx: { $executeRaw: (query: TemplateStringsArray, ...values: unknown[]) => Promise<number> },
  event: ReportEvent,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${REPORT_EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}

builder.subscriptionField('progressReportChanged', (t) =>
  t.prismaField({
    type: 'ProgressReport',
    description: 'A report was submitted, approved or rejected; optionally only for one programme.',
    args: { programmeId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) =>
      reportEvents(context.pubsub.subscribe('reportChanged'), args.programmeId ?? null, context.prisma),
    resolve: (query, event: ReportEvent, _args, context) =>
      context.prisma.progressReport.findUniqueOrThrow({ ...query, where: { id: event.reportId } }),
  }),
);

async function* reportEvents(
  events: AsyncIterable<ReportEvent>,
  programmeId: string | number | null,
  prisma: GatewayContext['prisma'],
): AsyncGenerator<ReportEvent> {
  for await (const event of events) {
    if (programmeId === null) {
      yield event;
      continue;
    }
    const kpi = await prisma.kpi.findUnique({ where: { id: event.kpiId }, select: { programmeId: true } });
    if (kpi?.programmeId === String(programmeId)) yield event;
  }
}
