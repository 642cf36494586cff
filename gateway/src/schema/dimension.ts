import { isDeepStrictEqual } from 'node:util';
import { builder } from '../builder.ts';
import { evaluateProgrammes, programmesRollUp } from '../evaluation/evaluate.ts';
import { listDimensionsWithCoordinator } from '../repositories/dimensions.ts';
import { AS_OF, Evaluation, evaluationInstant } from './evaluation.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';
import { ProgrammeKind } from './programme.ts';

/** One dimension evaluated at one instant. */
interface DimensionAt {
  dimensionId: string;
  asOf: Date;
}

builder.prismaNode('Dimension', {
  description: 'One of the six smart-city dimensions of the masterplan, with its coordinating OPD.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    sortOrder: t.exposeInt('sortOrder'),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (dimension) => localized(dimension.nameId, dimension.nameEn),
    }),
    coordinator: t.relation('coordinatorAgency'),
    subDimensions: t.relation('subDimensions', { query: { orderBy: { sortOrder: 'asc' } } }),
    // A list, not a connection: a dimension holds a handful of programmes and the wallboard
    // shows them all.
    programmes: t.relation('programmes', {
      args: { kind: t.arg({ type: ProgrammeKind, required: false }) },
      query: (args) => ({
        where: args.kind ? { kind: args.kind } : {},
        orderBy: { id: 'asc' },
      }),
    }),
    evaluation: t.loadable({
      type: Evaluation,
      description: "The dimension's programmes rolled up, each programme counting once.",
      args: { asOf: t.arg({ type: 'DateTime', required: false, description: AS_OF }) },
      // All dimensions of a request in one evaluation of their programmes.
      load: async (keys: DimensionAt[], context) => {
        const programmes = await context.prisma.programme.findMany({
          where: { dimensionId: { in: [...new Set(keys.map((key) => key.dimensionId))] } },
          select: { id: true, dimensionId: true },
        });
        const wanted = keys.flatMap(({ dimensionId, asOf }) =>
          programmes
            .filter((programme) => programme.dimensionId === dimensionId)
            .map((programme) => ({ programmeId: programme.id, asOf, dimensionId })),
        );
        const { scheme, kpis } = await evaluateProgrammes(context.prisma, context.sql, wanted);
        return keys.map((key) =>
          programmesRollUp(
            wanted.flatMap((programme, i) =>
              programme.dimensionId === key.dimensionId && programme.asOf.getTime() === key.asOf.getTime()
                ? (kpis[i] ?? [])
                : [],
            ),
            scheme,
          ),
        );
      },
      // No cache: a subscription keeps its context (and so its loaders) for as long as it runs.
      loaderOptions: { cache: false },
      resolve: (dimension, args, context, info) => ({
        dimensionId: dimension.id,
        asOf: evaluationInstant(context, info, args.asOf),
      }),
    }),
  }),
});

builder.prismaNode('SubDimension', {
  description: 'An element of a dimension in the national guidance, e.g. public services under governance.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
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
      // The frequent shape (scalars and the coordinator) in one SQL statement; anything else
      // (sub-dimensions, programmes) through Prisma with the plugin's query.
      isDeepStrictEqual(query, {}) || isDeepStrictEqual(query, { include: { coordinatorAgency: true } })
        ? listDimensionsWithCoordinator(context.sql)
        : context.prisma.dimension.findMany({ ...query, orderBy: { sortOrder: 'asc' } }),
  }),
);
