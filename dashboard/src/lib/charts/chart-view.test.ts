import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChartAlertRule, ChartDatastream, ChartKpi } from '#lib/graphql/chart.ts';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import { manualFrames } from '#lib/testing/manual-frames.ts';
import { ChartView, thresholdsOf } from './chart-view.svelte.ts';

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

describe('live points', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('folds a burst of live readings into the chart once per frame, only its own datastream', async () => {
    const gateway = fakeGateway(() =>
      Response.json({ data: { datastream: DATASTREAM, alertRules: { nodes: [] } } }),
    );
    vi.stubGlobal('fetch', gateway.fetch);
    const frames = manualFrames();
    const view = new ChartView(
      createGraphqlClient('http://hub.test/graphql'),
      DATASTREAM.id,
      frames.schedule,
    );
    view.start();
    await vi.waitFor(() => expect(view.window).toBeDefined());
    await vi.waitFor(() => expect(view.feed.status).toBe('live'));
    const before = view.points;
    const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    const total = () => view.points.reduce((sum, point) => sum + point.count, 0);

    gateway.emit([{ datastreamId: DATASTREAM.id, time: secondsAgo(30), value: 2 }]);
    gateway.emit([
      { datastreamId: DATASTREAM.id, time: secondsAgo(20), value: 4 },
      { datastreamId: 'ds-other', time: secondsAgo(20), value: 100 },
    ]);
    gateway.emit([{ datastreamId: DATASTREAM.id, time: secondsAgo(10), value: 6 }]);
    // The tiles' state sees the last event once all three have been handled.
    await vi.waitFor(() => expect(view.readings.get(DATASTREAM.id)?.value).toBe(6));
    expect(frames.pending).toBe(1);
    expect(view.points).toBe(before);

    frames.frame();
    expect(total()).toBe(3);
    expect(view.points.every((point) => point.value < 100)).toBe(true);

    gateway.emit([{ datastreamId: DATASTREAM.id, time: secondsAgo(5), value: 8 }]);
    await vi.waitFor(() => expect(frames.pending).toBe(1));
    expect(total()).toBe(3);
    frames.frame();
    expect(total()).toBe(4);
    view.stop();
  });
});
