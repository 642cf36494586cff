import type { QuickWinEvaluation, RegencyRollUp, RollUp } from '#lib/graphql/evaluation.ts';
import type { I18n } from '#lib/i18n/i18n.svelte.ts';
import { type CsvCell, toCsv } from './csv.ts';
import { type DatastreamQuality, readingsMessage } from './data-quality.ts';

/** A share 0..1 as a percentage with one decimal, for spreadsheets; empty when unknown. */
const percent = (share: number | null | undefined): CsvCell =>
  share === null || share === undefined ? null : Math.round(share * 1000) / 10;

/**
 * The evaluation view as one CSV table, built from the same data as the screen: one row per
 * KPI, per datastream's data quality and per roll-up, with a section column to filter on.
 * Headers and labels follow the chosen language; numbers stay machine-readable.
 */
export function evaluationCsv(
  programme: QuickWinEvaluation,
  regency: RegencyRollUp,
  quality: ReadonlyMap<string, DatastreamQuality>,
  i18n: I18n,
): string {
  const status = (value: RollUp['status']) => i18n.t(`evaluation.status.${value}`);
  const rows: CsvCell[][] = [
    [
      i18n.t('csv.section'),
      i18n.t('csv.item'),
      i18n.t('csv.detail'),
      i18n.t('kpi.unit'),
      i18n.t('kpi.baseline'),
      i18n.t('kpi.actual'),
      i18n.t('kpi.target'),
      i18n.t('kpi.windowStart'),
      i18n.t('kpi.windowEnd'),
      i18n.t('csv.progressPercent'),
      i18n.t('csv.expectedPercent'),
      i18n.t('csv.status'),
      i18n.t('kpi.weight'),
      i18n.t('kpi.evidence'),
    ],
    [
      i18n.t('csv.sectionProgramme'),
      i18n.text(programme.name),
      `${programme.owner.acronym} · ${i18n.text(programme.dimension.name)}`,
      null,
      null,
      null,
      null,
      programme.startDate,
      programme.evaluationDate,
      percent(programme.evaluation.progress),
      percent(programme.evaluation.expectedProgress),
      status(programme.evaluation.status),
      null,
      null,
    ],
  ];
  for (const kpi of programme.kpis) {
    rows.push([
      i18n.t('csv.sectionKpi'),
      i18n.text(kpi.name),
      `${i18n.t(`component.${kpi.component}`)} · ${i18n.t(`kpi.source.${kpi.source}`)}`,
      i18n.unit(kpi.unit),
      kpi.baseline,
      kpi.evaluation.actual,
      kpi.target,
      kpi.periodStart,
      kpi.periodEnd,
      percent(kpi.evaluation.progress),
      percent(kpi.evaluation.expectedProgress),
      status(kpi.evaluation.status),
      kpi.weight,
      kpi.reports.find((report) => report.evidenceUrl)?.evidenceUrl,
    ]);
  }
  for (const thing of programme.things) {
    for (const datastream of thing.datastreams) {
      const q = quality.get(datastream.id);
      rows.push([
        i18n.t('csv.sectionQuality'),
        `${thing.name} · ${i18n.text(datastream.observedProperty.name)}`,
        q ? i18n.t(readingsMessage(q), { received: q.received, expected: q.expected }) : null,
        '%',
        null,
        percent(q?.completeness),
        100,
        null,
        null,
        percent(q?.completeness),
        null,
        q ? i18n.t(`quality.freshness.${q.freshness}`) : null,
        null,
        null,
      ]);
    }
  }
  const rollUp = (item: string, detail: string, value: RollUp, weight: CsvCell): CsvCell[] => [
    i18n.t('csv.sectionRollUp'),
    item,
    detail,
    null,
    null,
    null,
    null,
    null,
    null,
    percent(value.progress),
    percent(value.expectedProgress),
    status(value.status),
    weight,
    null,
  ];
  rows.push(
    rollUp(
      i18n.text(programme.dimension.name),
      i18n.t('rollUp.dimension'),
      programme.dimension.evaluation,
      null,
    ),
  );
  for (const component of regency.components) {
    rows.push(
      rollUp(
        i18n.t(`component.${component.component}`),
        i18n.text(regency.scheme.name),
        component.evaluation,
        component.weight,
      ),
    );
  }
  // The regency's score weighs the components by the scheme; that weighted figure is exported.
  rows.push(
    rollUp(
      i18n.t('rollUp.regency'),
      i18n.text(regency.scheme.name),
      { ...regency.evaluation, progress: regency.score },
      null,
    ),
  );
  return toCsv(rows);
}
