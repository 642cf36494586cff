import { auditedRefusal, recordAudit } from '../audit.ts';
import { builder } from '../builder.ts';
import { badUserInput, notFound } from '../errors.ts';
import { LocalizedText, localized } from './localized-text.ts';

const ProgrammeStatus = builder.enumType('ProgrammeStatus', {
  description: 'CONTINUED: a quick win kept running after its one-year evaluation.',
  values: ['PLANNED', 'RUNNING', 'CONTINUED', 'STOPPED'] as const,
});

export const ProgrammeKind = builder.enumType('ProgrammeKind', {
  description: 'QUICK_WIN: a small innovation evaluated one year after it starts.',
  values: ['PROGRAMME', 'QUICK_WIN'] as const,
});

builder.prismaObject('Programme', {
  description: 'A programme of the Luwu Utara BISA Smart City masterplan 2022-2032.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: ProgrammeKind }),
    status: t.expose('status', { type: ProgrammeStatus }),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (programme) => localized(programme.nameId, programme.nameEn),
    }),
    description: t.field({
      type: LocalizedText,
      select: { descriptionId: true, descriptionEn: true },
      resolve: (programme) => localized(programme.descriptionId, programme.descriptionEn),
    }),
    isSample: t.exposeBoolean('isSample', {
      description: 'Sample data for demonstration, not real deployments.',
    }),
    startDate: t.expose('startDate', { type: 'Date' }),
    evaluationDate: t.expose('evaluationDate', {
      type: 'Date',
      description: 'When the programme is evaluated; for quick wins one year after the start.',
    }),
    dimension: t.relation('dimension'),
    subDimension: t.relation('subDimension', { nullable: true }),
    owner: t.relation('ownerAgency', { description: 'The OPD responsible for the programme.' }),
    things: t.relation('things', { query: { orderBy: { id: 'asc' } }, description: 'Its deployed devices.' }),
    partners: t.relation('partners', { query: { orderBy: { partnerId: 'asc' } } }),
    kpis: t.relation('kpis', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  programmes: t.prismaField({
    type: ['Programme'],
    args: { kind: t.arg({ type: ProgrammeKind, required: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.programme.findMany({
        ...query,
        where: args.kind ? { kind: args.kind } : {},
        orderBy: [{ dimension: { sortOrder: 'asc' } }, { id: 'asc' }],
      }),
  }),
  programme: t.prismaField({
    type: 'Programme',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.prisma.programme.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
}));

const UpdateProgrammeInput = builder.inputType('UpdateProgrammeInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    status: t.field({ type: ProgrammeStatus, required: false }),
    evaluationDate: t.field({ type: 'Date', required: false, description: 'Must be after the start date.' }),
  }),
});

builder.mutationField('updateProgramme', (t) =>
  t.prismaField({
    type: 'Programme',
    description: "Changes a programme's status or evaluation date (administrators).",
    args: { input: t.arg({ type: UpdateProgrammeInput, required: true }) },
    authScopes: { admin: true },
    ...auditedRefusal,
    resolve: async (query, _root, { input }, context) => {
      const id = String(input.id);
      const programme = await context.prisma.programme.findUnique({ where: { id } });
      if (!programme) throw notFound(`No programme has the id "${id}"; list them with { programmes { id } }`);
      if (input.evaluationDate && input.evaluationDate <= programme.startDate) {
        throw badUserInput('evaluationDate: must be after the start date');
      }
      const changes = {
        ...(input.status ? { status: input.status } : {}),
        ...(input.evaluationDate ? { evaluationDate: input.evaluationDate } : {}),
      };
      return context.prisma.$transaction(async (tx) => {
        const updated = await tx.programme.update({ ...query, where: { id }, data: changes });
        await recordAudit(tx, context.viewer, {
          action: 'updateProgramme',
          outcome: 'ok',
          targetId: id,
          detail: {
            ...(input.status ? { status: input.status } : {}),
            ...(input.evaluationDate
              ? { evaluationDate: input.evaluationDate.toISOString().slice(0, 10) }
              : {}),
          },
        });
        return updated;
      });
    },
  }),
);
