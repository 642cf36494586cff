import { builder } from '../builder.ts';
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
