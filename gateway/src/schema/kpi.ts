import { builder } from '../builder.ts';
import { evaluateKpis, loadScheme } from '../evaluation/evaluate.ts';
import type { Progress } from '../evaluation/progress.ts';
import { EvaluationComponentEnum, EvaluationStatus } from './evaluation.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { ReportStatus } from './progress-report.ts';

const KpiDirection = builder.enumType('KpiDirection', {
  description: 'INCREASE: a larger value is better (users served). DECREASE: a smaller one (waiting time).',
  values: ['INCREASE', 'DECREASE'] as const,
});

const KpiSource = builder.enumType('KpiSource', {
  description: "COMPUTED from a datastream's readings; REPORTED by the owner OPD and approved by a reviewer.",
  values: ['COMPUTED', 'REPORTED'] as const,
});

const KpiAggregation = builder.enumType('KpiAggregation', {
  description: "How a computed KPI combines its datastream's readings over the window.",
  values: ['AVG', 'MIN', 'MAX', 'SUM', 'COUNT', 'LAST'] as const,
});

const KpiEvaluation = builder.objectRef<Progress & { actual: number | null }>('KpiEvaluation').implement({
  description: 'One KPI at one instant: its actual value and how far it has come from baseline to target.',
  fields: (t) => ({
    actual: t.float({
      nullable: true,
      description: 'Computed over [periodStart, asOf) or the newest approved report; null without data.',
      resolve: (e) => e.actual,
    }),
    progress: t.float({
      nullable: true,
      description: '0 at the baseline, 1 at the target.',
      resolve: (e) => e.progress,
    }),
    expectedProgress: t.float({
      description: 'The share of the window that has passed.',
      resolve: (e) => e.expected,
    }),
    status: t.field({ type: EvaluationStatus, resolve: (e) => e.status }),
  }),
});

builder.prismaObject('Kpi', {
  description:
    'A key performance indicator of a programme, measured from baseline towards target over a window.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (kpi) => localized(kpi.nameId, kpi.nameEn),
    }),
    unit: t.exposeString('unit'),
    direction: t.expose('direction', { type: KpiDirection }),
    baseline: t.exposeFloat('baseline'),
    target: t.exposeFloat('target'),
    component: t.expose('component', { type: EvaluationComponentEnum }),
    weight: t.exposeFloat('weight', { description: "Relative weight among the programme's KPIs." }),
    periodStart: t.expose('periodStart', { type: 'Date' }),
    periodEnd: t.expose('periodEnd', { type: 'Date', description: 'First day after the window.' }),
    source: t.expose('source', { type: KpiSource }),
    aggregation: t.expose('aggregation', { type: KpiAggregation, nullable: true }),
    isSample: t.exposeBoolean('isSample'),
    programme: t.relation('programme'),
    datastream: t.relation('datastream', { nullable: true }),
    reports: t.relation('reports', {
      args: { status: t.arg({ type: ReportStatus, required: false }) },
      query: (args) => ({
        where: args.status ? { status: args.status } : {},
        orderBy: [{ observedOn: 'desc' }, { submittedAt: 'desc' }],
      }),
    }),
    evaluation: t.field({
      type: KpiEvaluation,
      args: { asOf: t.arg({ type: 'DateTime', required: false, description: 'Default: now.' }) },
      select: { id: true },
      resolve: async (kpi, args, context) => {
        const scheme = await loadScheme(context.prisma, undefined);
        const [evaluated] = await evaluateKpis(
          context.prisma,
          context.sql,
          { id: kpi.id },
          args.asOf ?? new Date(),
          scheme,
        );
        if (!evaluated) throw new Error(`KPI ${kpi.id} disappeared while being evaluated`);
        return { ...evaluated.evaluation, actual: evaluated.actual };
      },
    }),
  }),
});
