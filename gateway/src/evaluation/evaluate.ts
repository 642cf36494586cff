import type { PrismaClient } from '@bisa/db/generated/prisma/client.ts';
import type { SqlQueryable } from '@bisa/db/sql-client.ts';
import { notFound } from '../errors.ts';
import {
  type KpiAggregation,
  readComputedActuals,
  readReportedActuals,
} from '../repositories/kpi-actuals.ts';
import { evaluateKpi, type Progress, rollUp, type StatusThresholds } from './progress.ts';

export type Component = 'BASELINE' | 'OUTPUT' | 'OUTCOME' | 'IMPACT' | 'QUICK_WIN';

export interface EvaluatedKpi {
  id: string;
  programmeId: string;
  component: Component;
  weight: number;
  actual: number | null;
  evaluation: Progress;
}

export interface Scheme extends StatusThresholds {
  id: string;
  weights: Map<Component, number>;
}

/** The scheme named, or the default one; an evaluation without a scheme has no meaning. */
export async function loadScheme(prisma: PrismaClient, id: string | undefined): Promise<Scheme> {
  const scheme = await prisma.evaluationScheme.findFirst({
    where: id === undefined ? { isDefault: true } : { id },
    include: { weights: true },
  });
  if (!scheme) {
    throw notFound(
      id === undefined
        ? 'No default evaluation scheme exists; create one, or name a scheme with schemeId'
        : `No evaluation scheme has the id "${id}"; list them with { evaluationSchemes { id } }`,
    );
  }
  return {
    id: scheme.id,
    onTrackRatio: scheme.onTrackRatio,
    atRiskRatio: scheme.atRiskRatio,
    weights: new Map(scheme.weights.map((w) => [w.component, w.weight])),
  };
}

/**
 * Evaluates the KPIs matching `where` at `asOf`: actual values from telemetry (computed) or
 * approved reports (reported), in two queries whatever the number of KPIs.
 */
export async function evaluateKpis(
  prisma: PrismaClient,
  sql: SqlQueryable,
  where: { programmeId?: { in: string[] } },
  asOf: Date,
  thresholds: StatusThresholds,
): Promise<EvaluatedKpi[]> {
  const kpis = await prisma.kpi.findMany({ where, orderBy: { id: 'asc' } });
  const computed = kpis.flatMap((kpi) =>
    kpi.source === 'COMPUTED' &&
    kpi.datastreamId !== null &&
    kpi.aggregation !== null &&
    asOf > kpi.periodStart
      ? [
          {
            kpiId: kpi.id,
            datastreamId: kpi.datastreamId,
            from: kpi.periodStart,
            to: asOf < kpi.periodEnd ? asOf : kpi.periodEnd,
            aggregation: kpi.aggregation as KpiAggregation,
          },
        ]
      : [],
  );
  const [computedActuals, reportedActuals] = await Promise.all([
    readComputedActuals(sql, computed),
    readReportedActuals(
      sql,
      kpis.filter((kpi) => kpi.source === 'REPORTED').map((kpi) => kpi.id),
      asOf,
    ),
  ]);
  return kpis.map((kpi) => {
    const actual =
      (kpi.source === 'COMPUTED' ? computedActuals.get(kpi.id) : reportedActuals.get(kpi.id)) ?? null;
    return {
      id: kpi.id,
      programmeId: kpi.programmeId,
      component: kpi.component,
      weight: kpi.weight,
      actual,
      evaluation: evaluateKpi(kpi, actual, asOf, thresholds),
    };
  });
}

/** One programme evaluated at one instant: what a dataloader key of the schema names. */
export interface ProgrammeAt {
  programmeId: string;
  asOf: Date;
}

function programmeAtKey(key: ProgrammeAt): string {
  return `${key.asOf.toISOString()} ${key.programmeId}`;
}

/**
 * The evaluated KPIs of each programme asked for, in the order asked, with the default scheme:
 * one scheme lookup, then one evaluation (three queries) per distinct instant, however many
 * programmes are asked for. The schema's dataloaders send every programme of a request here.
 */
export async function evaluateProgrammes(
  prisma: PrismaClient,
  sql: SqlQueryable,
  keys: readonly ProgrammeAt[],
): Promise<{ scheme: Scheme; kpis: EvaluatedKpi[][] }> {
  const scheme = await loadScheme(prisma, undefined);
  const evaluated = new Map<string, EvaluatedKpi[]>();
  for (const [time, group] of Map.groupBy(keys, (key) => key.asOf.getTime())) {
    const asOf = new Date(time);
    const programmeIds = [...new Set(group.map((key) => key.programmeId))];
    const kpis = await evaluateKpis(prisma, sql, { programmeId: { in: programmeIds } }, asOf, scheme);
    const byProgramme = Map.groupBy(kpis, (kpi) => kpi.programmeId);
    for (const programmeId of programmeIds) {
      evaluated.set(programmeAtKey({ programmeId, asOf }), byProgramme.get(programmeId) ?? []);
    }
  }
  return { scheme, kpis: keys.map((key) => evaluated.get(programmeAtKey(key)) ?? []) };
}

/** One programme's roll-up from its evaluated KPIs (KPI weights). */
export function programmeRollUp(kpis: readonly EvaluatedKpi[], thresholds: StatusThresholds) {
  return rollUp(
    kpis.map((kpi) => ({ evaluation: kpi.evaluation, weight: kpi.weight })),
    thresholds,
  );
}

/** Several programmes (a dimension, the regency): each programme counts once, whatever its KPI count. */
export function programmesRollUp(kpis: readonly EvaluatedKpi[], thresholds: StatusThresholds) {
  const byProgramme = Map.groupBy(kpis, (kpi) => kpi.programmeId);
  return rollUp(
    [...byProgramme.values()].map((programmeKpis) => ({
      evaluation: programmeRollUp(programmeKpis, thresholds),
      weight: 1,
    })),
    thresholds,
  );
}

/** The regency score: each component's KPIs rolled up, then weighted by the scheme. */
export function componentScores(kpis: readonly EvaluatedKpi[], scheme: Scheme) {
  const components: Component[] = ['BASELINE', 'OUTPUT', 'OUTCOME', 'IMPACT', 'QUICK_WIN'];
  const perComponent = components.map((component) => {
    const ofComponent = kpis.filter((kpi) => kpi.component === component);
    return {
      component,
      weight: scheme.weights.get(component) ?? 0,
      kpiCount: ofComponent.length,
      evaluation: programmeRollUp(ofComponent, scheme),
    };
  });
  const total = rollUp(
    perComponent.map((c) => ({ evaluation: c.evaluation, weight: c.weight })),
    scheme,
  );
  return { components: perComponent, total };
}
