import { builder } from '../builder.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { ProgrammeKind } from './programme.ts';

builder.prismaObject('Dimension', {
  description: 'One of the six smart-city dimensions of the masterplan, with its coordinating OPD.',
  fields: (t) => ({
    id: t.exposeID('id'),
    sortOrder: t.exposeInt('sortOrder'),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (dimension) => localized(dimension.nameId, dimension.nameEn),
    }),
    coordinator: t.relation('coordinatorAgency'),
    subDimensions: t.relation('subDimensions', { query: { orderBy: { sortOrder: 'asc' } } }),
    programmes: t.relation('programmes', {
      args: { kind: t.arg({ type: ProgrammeKind, required: false }) },
      query: (args) => ({
        where: args.kind ? { kind: args.kind } : {},
        orderBy: { id: 'asc' },
      }),
    }),
  }),
});

builder.prismaObject('SubDimension', {
  description: 'An element of a dimension in the national guidance, e.g. public services under governance.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (sub) => localized(sub.nameId, sub.nameEn),
    }),
    dimension: t.relation('dimension'),
    programmes: t.relation('programmes', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.queryField('dimensions', (t) =>
  t.prismaField({
    type: ['Dimension'],
    description: 'The six dimensions in the masterplan order.',
    resolve: (query, _root, _args, context) =>
      context.prisma.dimension.findMany({ ...query, orderBy: { sortOrder: 'asc' } }),
  }),
);
