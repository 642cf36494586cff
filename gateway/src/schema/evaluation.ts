import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { idOf } from '../errors.ts';
import { type Component, componentScores, evaluateKpis, loadScheme } from '../evaluation/evaluate.ts';
import type { Progress } from '../evaluation/progress.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';

export const EvaluationStatus = builder.enumType('EvaluationStatus', {
  description:
    'How actual progress compares with the plan (a straight line from baseline to target over the window), ' +
    "using the evaluation scheme's thresholds.",
  values: ['NOT_STARTED', 'ON_TRACK', 'AT_RISK', 'OFF_TRACK', 'NO_DATA'] as const,
});

export const EvaluationComponentEnum = builder.enumType('EvaluationComponent', {
  description: "The components of the ministry's smart-city evaluation.",
  values: ['BASELINE', 'OUTPUT', 'OUTCOME', 'IMPACT', 'QUICK_WIN'] as const,
});

type RollUpShape = Progress & { missing: number };

export const Evaluation = builder.objectRef<RollUpShape>('Evaluation').implement({
  description:
    'A roll-up of KPI evaluations (a programme, a dimension, an evaluation component, the regency).',
  fields: (t) => ({
    progress: t.float({
      nullable: true,
      description: 'Weighted progress from baseline (0) to target (1); null while no KPI has data.',
      resolve: (e) => e.progress,
    }),
    expectedProgress: t.float({
      description: 'Where the plan says it should be by now.',
      resolve: (e) => e.expected,
    }),
    status: t.field({ type: EvaluationStatus, resolve: (e) => e.status }),
    kpisWithoutData: t.int({
      description: 'KPIs whose window has started but that have no actual value yet.',
      resolve: (e) => e.missing,
    }),
  }),
});

export const AS_OF = 'Evaluate as of this instant (default: when the request started).';

const instants = new WeakMap<object, Date>();

/**
 * The default `asOf`: one instant per response, so every programme and KPI in it is graded at
 * the same moment and the dataloaders can evaluate them together. A subscription shares one
 * context across its events, so there each event (its root value) gets its own instant.
 */
export function evaluationInstant(
  context: GatewayContext,
  info: GraphQLResolveInfo,
  asOf: Date | null | undefined,
): Date {
  if (asOf) return asOf;
  const root: unknown = info.rootValue;
  const response =
    info.operation.operation === 'subscription' && typeof root === 'object' && root !== null ? root : context;
  let instant = instants.get(response);
  if (!instant) {
    instant = new Date();
    instants.set(response, instant);
  }
  return instant;
}

builder.prismaNode('EvaluationScheme', {
  description: 'How the regency is scored: component weights and status thresholds, kept as data.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (scheme) => localized(scheme.nameId, scheme.nameEn),
    }),
    isDefault: t.exposeBoolean('isDefault'),
    onTrackRatio: t.exposeFloat('onTrackRatio', {
      description: 'On track from this share of the expected progress.',
    }),
    atRiskRatio: t.exposeFloat('atRiskRatio', {
      description: 'At risk from this share; off track below it.',
    }),
    weights: t.field({
      type: [ComponentWeight],
      select: { weights: true },
      resolve: (scheme) => scheme.weights.map((w) => ({ component: w.component, weight: w.weight })),
    }),
  }),
});

const ComponentWeight = builder
  .objectRef<{ component: Component; weight: number }>('ComponentWeight')
  .implement({
    fields: (t) => ({
      component: t.field({ type: EvaluationComponentEnum, resolve: (w) => w.component }),
      weight: t.exposeFloat('weight'),
    }),
  });

const ComponentScore = builder
  .objectRef<{ component: Component; weight: number; kpiCount: number; evaluation: RollUpShape }>(
    'ComponentScore',
  )
  .implement({
    fields: (t) => ({
      component: t.field({ type: EvaluationComponentEnum, resolve: (c) => c.component }),
      weight: t.exposeFloat('weight'),
      kpiCount: t.exposeInt('kpiCount'),
      evaluation: t.field({ type: Evaluation, resolve: (c) => c.evaluation }),
    }),
  });

const RegencyEvaluation = builder
  .objectRef<{
    schemeId: string;
    asOf: Date;
    total: RollUpShape;
    components: { component: Component; weight: number; kpiCount: number; evaluation: RollUpShape }[];
  }>('RegencyEvaluation')
  .implement({
    description: "The regency's score under an evaluation scheme: each component's KPIs, weighted.",
    fields: (t) => ({
      scheme: t.prismaField({
        type: 'EvaluationScheme',
        resolve: (query, root, _args, context) =>
          context.prisma.evaluationScheme.findUniqueOrThrow({ ...query, where: { id: root.schemeId } }),
      }),
      asOf: t.expose('asOf', { type: 'DateTime' }),
      score: t.float({
        nullable: true,
        description: 'Weighted progress of all components with data, 0..1.',
        resolve: (r) => r.total.progress,
      }),
      evaluation: t.field({ type: Evaluation, resolve: (r) => r.total }),
      components: t.field({ type: [ComponentScore], resolve: (r) => r.components }),
    }),
  });

builder.queryFields((t) => ({
  evaluationSchemes: t.prismaField({
    type: ['EvaluationScheme'],
    resolve: (query, _root, _args, context) =>
      context.prisma.evaluationScheme.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
  regencyEvaluation: t.field({
    type: RegencyEvaluation,
    description: 'Every KPI of every programme, scored with the default scheme or the one named.',
    args: {
      asOf: t.arg({ type: 'DateTime', required: false, description: AS_OF }),
      schemeId: t.arg.globalID({ required: false }),
    },
    resolve: async (_root, args, context, info) => {
      const asOf = evaluationInstant(context, info, args.asOf);
      const scheme = await loadScheme(
        context.prisma,
        args.schemeId == null ? undefined : idOf(args.schemeId, 'EvaluationScheme'),
      );
      const kpis = await evaluateKpis(context.prisma, context.sql, {}, asOf, scheme);
      const { components, total } = componentScores(kpis, scheme);
      return { schemeId: scheme.id, asOf, total, components };
    },
  }),
}));
