import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { REPORT_EVENTS_CHANNEL, type ReportEvent } from '@bisa/db/notifications.ts';
import { z } from 'zod';
import { auditedRefusal, auditedRefusalOf, recordAudit } from '../audit.ts';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { badUserInput, type DecodedId, idOf, notFound } from '../errors.ts';
import { currentThenChanges } from '../live-stream.ts';
import { DATABASE_ID } from './node.ts';

export const ReportStatus = builder.enumType('ReportStatus', {
  values: ['SUBMITTED', 'APPROVED', 'REJECTED'] as const,
});

const MAX_TEXT = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

builder.prismaNode('ProgressReport', {
  description: 'A value an OPD reports for a REPORTED KPI; it counts once approved.',
  id: { resolve: (report) => report.id },
  // Report ids are UUIDs: anything else inside a global id would fail in the database instead.
  findUnique: (id) => {
    if (!UUID.test(id)) throw badUserInput(`"${id}" is not a progress report id`);
    return { id };
  },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
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

// The validation plugin checks a field only when it is given; the resolvers apply the defaults.
const text = z.string().trim().max(MAX_TEXT, `at most ${MAX_TEXT} characters`);

const SubmitReportInput = builder.inputType('SubmitProgressReportInput', {
  fields: (t) => ({
    kpiId: t.globalID({ required: true }),
    value: t.float({ required: true }),
    observedOn: t.field({
      type: 'Date',
      required: true,
      description: 'The day the value describes.',
      validate: z.date().refine((day) => day <= todayInLuwuUtara(), 'cannot be in the future'),
    }),
    evidenceUrl: t.string({
      required: false,
      description: 'Link to the evidence (http or https).',
      validate: z
        .string()
        .trim()
        .refine(
          (url) => url === '' || (/^https?:\/\/[^\s]+$/.test(url) && url.length <= MAX_TEXT),
          `must be an http(s) address of at most ${MAX_TEXT} characters`,
        ),
    }),
    note: t.string({ required: false, validate: text }),
  }),
});

const ReviewReportInput = builder.inputType('ReviewProgressReportInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    approve: t.boolean({ required: true }),
    reason: t.string({
      required: false,
      description: 'Required when rejecting: what the reporter must fix.',
      validate: text,
    }),
  }),
  validate: z
    // Loose: the schema's output replaces the input, and a plain object would drop `id`.
    .looseObject({ approve: z.boolean(), reason: z.string().nullish() })
    .refine((input) => input.approve || (input.reason ?? '').trim().length > 0, {
      message: 'say why the report is rejected',
      path: ['reason'],
    }),
});

/** Today in Luwu Utara (WITA, UTC+8), as the date a report may not be after. */
function todayInLuwuUtara(): Date {
  const wita = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(wita.getUTCFullYear(), wita.getUTCMonth(), wita.getUTCDate()));
}

builder.queryField('progressReports', (t) =>
  t.prismaConnection(
    {
      type: 'ProgressReport',
      cursor: 'id',
      description: 'Progress reports, newest first; every filter given must match.',
      args: {
        status: t.arg({ type: ReportStatus, required: false }),
        agencyId: t.arg.globalID({
          required: false,
          description: "The agency that owns the KPI's programme (the reporting OPD).",
        }),
        programmeId: t.arg.globalID({ required: false }),
        kpiId: t.arg.globalID({ required: false }),
      },
      totalCount: (_connection, args, context) =>
        context.prisma.progressReport.count({ where: progressReportsWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.progressReport.findMany({
          ...query,
          where: progressReportsWhere(args),
          orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'ProgressReportConnection' },
    { name: 'ProgressReportEdge' },
  ),
);

function progressReportsWhere(filter: {
  status?: 'SUBMITTED' | 'APPROVED' | 'REJECTED' | null;
  agencyId?: DecodedId | null;
  programmeId?: DecodedId | null;
  kpiId?: DecodedId | null;
}): Prisma.ProgressReportWhereInput {
  const programme: Prisma.ProgrammeWhereInput = {
    ...(filter.agencyId ? { ownerAgencyId: idOf(filter.agencyId, 'Agency') } : {}),
    ...(filter.programmeId ? { id: idOf(filter.programmeId, 'Programme') } : {}),
  };
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.kpiId ? { kpiId: idOf(filter.kpiId, 'Kpi') } : {}),
    ...(Object.keys(programme).length > 0 ? { kpi: { programme } } : {}),
  };
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
        where: { id: idOf(args.input.kpiId, 'Kpi') },
        select: { programme: { select: { ownerAgencyId: true } } },
      });
      return { $any: { admin: true, ...(kpi ? { reporterFor: kpi.programme.ownerAgencyId } : {}) } };
    },
    ...auditedRefusalOf((viewer) =>
      viewer.role === 'REPORTER' && viewer.canWrite
        ? "this KPI is not one of your agency's; you report for your own agency's programmes"
        : undefined,
    ),
    resolve: async (query, _root, { input }, context) => {
      const kpiId = idOf(input.kpiId, 'Kpi');
      const kpi = await context.prisma.kpi.findUnique({ where: { id: kpiId } });
      if (!kpi) throw notFound(`No KPI has the id "${kpiId}"`);
      if (kpi.source !== 'REPORTED') {
        throw badUserInput(
          `KPI "${kpi.id}" is computed from telemetry; only REPORTED KPIs take progress reports`,
        );
      }
      if (input.observedOn < kpi.periodStart || input.observedOn >= kpi.periodEnd) {
        throw badUserInput(
          `observedOn: must lie in the KPI's window, ${kpi.periodStart.toISOString().slice(0, 10)} to ` +
            `${kpi.periodEnd.toISOString().slice(0, 10)} (exclusive)`,
        );
      }
      const evidenceUrl = input.evidenceUrl?.trim() || null;
      const note = input.note?.trim() ?? '';
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
      const id = idOf(input.id, 'ProgressReport');
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
    args: { programmeId: t.arg.globalID({ required: false }) },
    subscribe: (_root, args, context) => reportEvents(context, args),
    resolve: (query, event: ReportEvent, _args, context) =>
      context.prisma.progressReport.findUniqueOrThrow({ ...query, where: { id: event.reportId } }),
  }),
);

/** What progressReportChanged (and liveEvents' progressReports) may be asked for. */
export interface ReportsWanted {
  programmeId?: DecodedId | null;
}

/** The stream of progressReportChanged: report events, only those of one programme's KPIs when `programmeId` is given. */
export function reportEvents(context: GatewayContext, args: ReportsWanted): AsyncIterable<ReportEvent> {
  const programmeId = args.programmeId ? idOf(args.programmeId, 'Programme') : null;
  const prisma = context.prisma;
  return currentThenChanges(
    context.pubsub.subscribe('reportChanged'),
    async () => [],
    async (event) => {
      if (programmeId === null) return [event];
      const kpi = await prisma.kpi.findUnique({ where: { id: event.kpiId }, select: { programmeId: true } });
      return kpi?.programmeId === programmeId ? [event] : [];
    },
  );
}
