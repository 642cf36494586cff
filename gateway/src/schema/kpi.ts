import { Repeater } from 'graphql-yoga';
import { builder } from '../builder.ts';
import type { GatewayContext } from '../context.ts';
import { type DecodedId, idOf, notFound } from '../errors.ts';
import { evaluateProgrammes, type ProgrammeAt } from '../evaluation/evaluate.ts';
import type { Progress } from '../evaluation/progress.ts';
import { currentThenChanges } from '../live-stream.ts';
import { AS_OF, EvaluationComponentEnum, EvaluationStatus, evaluationInstant } from './evaluation.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';
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

/** One KPI evaluated at one instant, with its programme (evaluated as a whole). */
interface KpiAt extends ProgrammeAt {
  kpiId: string;
}

builder.prismaNode('Kpi', {
  description:
    'A key performance indicator of a programme, measured from baseline towards target over a window.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
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
    evaluation: t.loadable({
      type: KpiEvaluation,
      args: { asOf: t.arg({ type: 'DateTime', required: false, description: AS_OF }) },
      // The KPIs of a request are evaluated with their programmes, together (see Programme.evaluation).
      load: async (keys: KpiAt[], context) => {
        const { kpis } = await evaluateProgrammes(context.prisma, context.sql, keys);
        return keys.map((key, i) => {
          const evaluated = kpis[i]?.find((kpi) => kpi.id === key.kpiId);
          if (!evaluated) return new Error(`KPI ${key.kpiId} disappeared while being evaluated`);
          return { ...evaluated.evaluation, actual: evaluated.actual };
        });
      },
      // No cache: a subscription keeps its context (and so its loaders) for as long as it runs.
      loaderOptions: { cache: false },
      resolve: (kpi, args, context, info) => ({
        kpiId: kpi.id,
        programmeId: kpi.programmeId,
        asOf: evaluationInstant(context, info, args.asOf),
      }),
    }),
  }),
});

builder.subscriptionField('kpiChanged', (t) =>
  t.prismaField({
    type: 'Kpi',
    description:
      'A KPI whose actual value changed: a committed reading of its datastream (COMPUTED) or an approved ' +
      'report (REPORTED) moved it. Without arguments every KPI; with kpiIds and/or programmeId only those.',
    args: {
      kpiIds: t.arg.globalIDList({ required: false }),
      programmeId: t.arg.globalID({ required: false }),
    },
    subscribe: (_root, args, context) => kpiEvents(context, args),
    resolve: (query, change: KpiChange, _args, context) =>
      context.prisma.kpi.findUniqueOrThrow({ ...query, where: { id: change.kpiId } }),
  }),
);

/** What kpiChanged (and liveEvents' kpis) may be asked for. */
export interface KpisWanted {
  kpiIds?: readonly DecodedId[] | null;
  programmeId?: DecodedId | null;
}

/** The stream of kpiChanged: each watched KPI whose actual value changed. */
export async function kpiEvents(
  context: GatewayContext,
  args: KpisWanted,
): Promise<AsyncIterable<KpiChange>> {
  const kpiIds = args.kpiIds?.map((id) => idOf(id, 'Kpi')) ?? null;
  const programmeId = args.programmeId ? idOf(args.programmeId, 'Programme') : null;
  const watched = await context.prisma.kpi.findMany({
    where: {
      ...(kpiIds ? { id: { in: kpiIds } } : {}),
      ...(programmeId ? { programmeId } : {}),
    },
    select: { id: true, programmeId: true, datastreamId: true, source: true },
  });
  if (programmeId && !(await context.prisma.programme.findUnique({ where: { id: programmeId } })))
    throw notFound(
      `No programme has the id "${programmeId}"; list them with { programmes { nodes { id } } }`,
    );
  const missing = (kpiIds ?? []).filter((id) => !watched.some((kpi) => kpi.id === id));
  if (missing.length > 0) throw notFound(`No KPI has the id "${missing.join('", "')}"`);
  // The values to compare with, before the first event can arrive.
  return changedKpis(context, watched, await actualsNow(context, watched));
}

type WatchedKpi = { id: string; programmeId: string; datastreamId: number | null; source: string };

/** One event: an object, so that the event's fields are graded at its own instant (evaluation.ts). */
export type KpiChange = { kpiId: string };

/**
 * The watched KPIs whose actual value changed. Each committed reading of a watched
 * datastream and each approved report of a watched KPI re-evaluates the KPIs it touches (now);
 * only a different actual value than the last one seen is sent, so a reading outside a KPI's
 * window, or one that leaves its average as it was, sends nothing.
 */
function changedKpis(
  context: GatewayContext,
  watched: readonly WatchedKpi[],
  actuals: Map<string, number | null>,
) {
  const byDatastream = Map.groupBy(
    watched.filter((kpi) => kpi.source === 'COMPUTED' && kpi.datastreamId !== null),
    (kpi) => kpi.datastreamId,
  );
  const reported = new Map(watched.filter((kpi) => kpi.source === 'REPORTED').map((kpi) => [kpi.id, kpi]));
  const events = Repeater.merge([
    context.pubsub.subscribe('readingsCommitted'),
    context.pubsub.subscribe('reportChanged'),
  ]);
  return currentThenChanges(
    events,
    async () => [],
    async (event): Promise<KpiChange[]> => {
      const touched = Array.isArray(event)
        ? [...new Set(event.flatMap((reading) => byDatastream.get(reading.datastreamId) ?? []))]
        : event.status === 'APPROVED'
          ? [reported.get(event.kpiId)].filter((kpi) => kpi !== undefined)
          : [];
      if (touched.length === 0) return [];
      const changed: KpiChange[] = [];
      for (const [kpiId, actual] of await actualsNow(context, touched)) {
        if (actuals.get(kpiId) === actual) continue;
        actuals.set(kpiId, actual);
        changed.push({ kpiId });
      }
      return changed;
    },
  );
}

/** The actual value of each KPI given, evaluated now with its programme. */
async function actualsNow(
  context: GatewayContext,
  kpis: readonly WatchedKpi[],
): Promise<Map<string, number | null>> {
  const asOf = new Date();
  const { kpis: evaluated } = await evaluateProgrammes(
    context.prisma,
    context.sql,
    kpis.map((kpi) => ({ programmeId: kpi.programmeId, asOf })),
  );
  const wanted = new Set(kpis.map((kpi) => kpi.id));
  return new Map(
    evaluated
      .flat()
      .filter((kpi) => wanted.has(kpi.id))
      .map((kpi) => [kpi.id, kpi.actual]),
  );
}
