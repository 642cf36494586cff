import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { z } from 'zod';
import { auditedRefusal, recordAudit } from '../audit.ts';
import { builder } from '../builder.ts';
import { badUserInput, type DecodedId, idOf, notFound } from '../errors.ts';
import { evaluateProgrammes, type ProgrammeAt, programmeRollUp } from '../evaluation/evaluate.ts';
import { AS_OF, Evaluation, evaluationInstant } from './evaluation.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';

const ProgrammeStatus = builder.enumType('ProgrammeStatus', {
  description: 'CONTINUED: a quick win kept running after its one-year evaluation.',
  values: ['PLANNED', 'RUNNING', 'CONTINUED', 'STOPPED'] as const,
});

export const ProgrammeKind = builder.enumType('ProgrammeKind', {
  description: 'QUICK_WIN: a small innovation evaluated one year after it starts.',
  values: ['PROGRAMME', 'QUICK_WIN'] as const,
});

builder.prismaNode('Programme', {
  description: 'A programme of the Luwu Utara BISA Smart City masterplan 2022-2032.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
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
    evaluation: t.loadable({
      type: Evaluation,
      description: "The programme's KPIs rolled up with their weights, graded with the default scheme.",
      args: { asOf: t.arg({ type: 'DateTime', required: false, description: AS_OF }) },
      // Every programme of a request in one evaluation, not one per programme (a wallboard asks
      // for all the quick wins at once).
      load: async (keys: ProgrammeAt[], context) => {
        const { scheme, kpis } = await evaluateProgrammes(context.prisma, context.sql, keys);
        return kpis.map((programmeKpis) => programmeRollUp(programmeKpis, scheme));
      },
      // No cache: a subscription keeps its context (and so its loaders) for as long as it runs.
      loaderOptions: { cache: false },
      resolve: (programme, args, context, info) => ({
        programmeId: programme.id,
        asOf: evaluationInstant(context, info, args.asOf),
      }),
    }),
  }),
});

builder.queryFields((t) => ({
  programmes: t.prismaConnection(
    {
      type: 'Programme',
      cursor: 'id',
      description: 'Programmes in the masterplan order (by dimension); every filter given must match.',
      args: {
        kind: t.arg({ type: ProgrammeKind, required: false }),
        status: t.arg({ type: ProgrammeStatus, required: false }),
        dimensionId: t.arg.globalID({ required: false }),
        ownerId: t.arg.globalID({ required: false, description: 'The owner OPD (an Agency id).' }),
        search: t.arg.string({
          required: false,
          description: 'Words in the name or description, Indonesian or English (case-insensitive).',
          validate: z
            .string()
            .trim()
            .min(1, 'give at least one character')
            .max(100, 'at most 100 characters'),
        }),
      },
      totalCount: (_connection, args, context) =>
        context.prisma.programme.count({ where: programmesWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.programme.findMany({
          ...query,
          where: programmesWhere(args),
          orderBy: [{ dimension: { sortOrder: 'asc' } }, { id: 'asc' }],
        }),
    },
    { name: 'ProgrammeConnection' },
    { name: 'ProgrammeEdge' },
  ),
  programme: t.prismaField({
    type: 'Programme',
    nullable: true,
    description: 'The programme with this id, or null; the same as node(id) with the type known.',
    args: { id: t.arg.globalID({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.prisma.programme.findUnique({ ...query, where: { id: idOf(args.id, 'Programme') } }),
  }),
}));

interface ProgrammeFilter {
  kind?: 'PROGRAMME' | 'QUICK_WIN' | null;
  status?: 'PLANNED' | 'RUNNING' | 'CONTINUED' | 'STOPPED' | null;
  dimensionId?: DecodedId | null;
  ownerId?: DecodedId | null;
  search?: string | null;
}

function programmesWhere(filter: ProgrammeFilter): Prisma.ProgrammeWhereInput {
  return {
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.dimensionId ? { dimensionId: idOf(filter.dimensionId, 'Dimension') } : {}),
    ...(filter.ownerId ? { ownerAgencyId: idOf(filter.ownerId, 'Agency') } : {}),
    ...(filter.search ? { OR: textMatches(filter.search.trim()) } : {}),
  };
}

function textMatches(text: string): Prisma.ProgrammeWhereInput[] {
  return (['nameId', 'nameEn', 'descriptionId', 'descriptionEn'] as const).map((column) => ({
    [column]: { contains: text, mode: 'insensitive' },
  }));
}

const UpdateProgrammeInput = builder.inputType('UpdateProgrammeInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    status: t.field({ type: ProgrammeStatus, required: false }),
    evaluationDate: t.field({ type: 'Date', required: false, description: 'Must be after the start date.' }),
  }),
  validate: z
    // Loose: the schema's output replaces the input, and a plain object would drop `id`.
    .looseObject({ status: z.string().nullish(), evaluationDate: z.date().nullish() })
    .refine((input) => input.status != null || input.evaluationDate != null, {
      message: 'give a status or an evaluationDate to change',
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
      const id = idOf(input.id, 'Programme');
      const programme = await context.prisma.programme.findUnique({ where: { id } });
      if (!programme)
        throw notFound(`No programme has the id "${id}"; list them with { programmes { nodes { id } } }`);
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
