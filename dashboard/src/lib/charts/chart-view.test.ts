import { describe, expect, it } from 'vitest';
import type { ChartAlertRule, ChartDatastream, ChartKpi } from '#lib/graphql/chart.ts';
import { thresholdsOf } from './chart-view.svelte.ts';

function kpi(id: string, aggregation: ChartKpi['aggregation'], datastreamId: string | null): ChartKpi {
  return {
    id,
    name: { id, en: id },
    aggregation,
    baseline: 90,
    target: 99,
    datastream: datastreamId ? { id: datastreamId } : null,
  };
}

const LEVEL: ChartAlertRule = {
  id: 'r1',
  name: 'Tinggi muka air',
  kind: 'THRESHOLD',
  levels: [
    { level: 'WASPADA', raise: 2.5 },
    { level: 'AWAS', raise: 3.5 },
  ],
  datastream: null,
  programme: { id: 'flood' },
  observedProperty: { id: 'water_level' },
  thing: null,
  location: null,
};

const DATASTREAM: ChartDatastream = {
  id: 'ds-level',
  key: 'water_level',
  unit: 'm',
  expectedIntervalSeconds: 60,
  observedProperty: { id: 'water_level', name: { id: 'Tinggi muka air', en: 'Water level' } },
  latest: null,
  thing: {
    id: 'river-01',
    name: 'Pos duga air',
    location: { id: 'bridge', name: 'Jembatan' },
    programme: {
      id: 'flood',
      name: { id: 'Banjir', en: 'Flood' },
      kpis: [kpi('avg', 'AVG', 'ds-level'), kpi('sum', 'SUM', 'ds-level'), kpi('other', 'AVG', 'ds-other')],
    },
  },
  series: [],
};

describe('chart lines', () => {
  it('draws each level of the threshold rules whose targets all match the datastream', () => {
    const lines = thresholdsOf(DATASTREAM, [LEVEL]).filter((line) => line.kind === 'alert');
    expect(lines.map((line) => line.kind === 'alert' && [line.level, line.value])).toEqual([
      ['WASPADA', 2.5],
      ['AWAS', 3.5],
    ]);
  });

  it('skips rules aimed elsewhere and rules that do not judge the value', () => {
    const rules: ChartAlertRule[] = [
      { ...LEVEL, id: 'r2', programme: { id: 'other-programme' } },
      { ...LEVEL, id: 'r3', thing: { id: 'river-02' } },
      { ...LEVEL, id: 'r4', kind: 'RATE_OF_RISE' },
      { ...LEVEL, id: 'r5', kind: 'NO_DATA' },
    ];
    expect(thresholdsOf(DATASTREAM, rules).filter((line) => line.kind === 'alert')).toEqual([]);
  });

  it('draws target and baseline only of KPIs that judge this datastream reading by reading', () => {
    const lines = thresholdsOf(DATASTREAM, []);
    expect(lines.map((line) => [line.kind, line.value])).toEqual([
      ['target', 99],
      ['baseline', 90],
    ]);
  });
});
