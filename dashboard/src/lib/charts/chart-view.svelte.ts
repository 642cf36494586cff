import type { Client } from '@urql/core';
import { type ChartAlertRule, type ChartDatastream, DatastreamChartQuery } from '#lib/graphql/chart.ts';
import type { Reading } from '#lib/graphql/queries.ts';
import { LiveFeed } from '#lib/live-feed.svelte.ts';
import {
  atMostEvery,
  type FrameScheduler,
  LIVE_UPDATE_INTERVAL_MS,
  LiveReadings,
} from '#lib/live-readings.svelte.ts';
import {
  type ChartPoint,
  chartPoints,
  mergeReadings,
  type RangeKey,
  type SeriesWindow,
  seriesWindow,
} from './series.ts';

export type Threshold =
  | {
      value: number;
      kind: 'target' | 'baseline';
      kpiName: ChartDatastream['thing']['programme']['kpis'][number]['name'];
    }
  | { value: number; kind: 'alert'; level: string; rule: string };

// A KPI summed or counted over a year has a target in other units than one reading; only
// KPIs that judge the readings themselves set a line on the chart.
const COMPARABLE = new Set(['AVG', 'LAST', 'MIN', 'MAX']);

/** Whether a rule watches this datastream: every target the rule sets must match. */
function ruleApplies(rule: ChartAlertRule, datastream: ChartDatastream): boolean {
  const { thing } = datastream;
  return (
    (!rule.datastream || rule.datastream.id === datastream.id) &&
    (!rule.programme || rule.programme.id === thing.programme.id) &&
    (!rule.observedProperty || rule.observedProperty.id === datastream.observedProperty.id) &&
    (!rule.thing || rule.thing.id === thing.id) &&
    (!rule.location || rule.location.id === thing.location.id)
  );
}

/**
 * Lines a datastream's chart can draw: the raise value of each level of the threshold rules
 * that watch it, and the targets and baselines of the KPIs measured on it. Rate-of-rise and
 * no-data rules measure something other than the value and draw nothing.
 */
export function thresholdsOf(datastream: ChartDatastream, rules: readonly ChartAlertRule[]): Threshold[] {
  const alerts = rules
    .filter((rule) => rule.kind === 'THRESHOLD' && ruleApplies(rule, datastream))
    .flatMap((rule) =>
      rule.levels.map((level) => ({
        value: level.raise,
        kind: 'alert' as const,
        level: level.level,
        rule: rule.name,
      })),
    );
  const kpis = datastream.thing.programme.kpis
    .filter(
      (kpi) => kpi.datastream?.id === datastream.id && kpi.aggregation && COMPARABLE.has(kpi.aggregation),
    )
    .flatMap((kpi) => [
      { value: kpi.target, kind: 'target' as const, kpiName: kpi.name },
      { value: kpi.baseline, kind: 'baseline' as const, kpiName: kpi.name },
    ]);
  return [...alerts, ...kpis];
}

interface Loaded {
  datastream: ChartDatastream | null;
  rules: ChartAlertRule[];
  window: SeriesWindow;
}

/**
 * One datastream's chart: the bucketed series of the chosen range from the gateway, extended by
 * the live readings of this datastream only. Changing the range loads the series again with
 * the bucket that range calls for.
 *
 * Live readings reach the chart as the tiles' do (LiveReadings): a burst waits in a plain buffer
 * and is folded into the points at most once per frame and once per LIVE_UPDATE_INTERVAL_MS, so
 * a device flushing its backlog redraws the chart once, not once per event.
 */
export class ChartView {
  readonly readings = new LiveReadings();
  readonly feed: LiveFeed<Loaded>;
  #range = $state<RangeKey>('24h');
  #points = $state.raw<ChartPoint[]>([]);
  #window = $state.raw<SeriesWindow | undefined>(undefined);
  readonly #id: string;
  readonly #pending: { time: number; value: number }[] = [];
  readonly #schedule: FrameScheduler;
  #scheduled = false;

  constructor(
    client: Client,
    datastreamId: string,
    /** When buffered readings reach the chart; tests pass a manual one. */
    schedule: FrameScheduler = atMostEvery(LIVE_UPDATE_INTERVAL_MS),
  ) {
    this.#id = datastreamId;
    this.#schedule = schedule;
    this.feed = new LiveFeed<Loaded>({
      client,
      readings: this.readings,
      load: (c) => this.#load(c),
      latest: ({ datastream }) =>
        datastream?.latest ? [{ datastreamId: datastream.id, ...datastream.latest }] : [],
      readingsOf: { datastreamIds: [datastreamId] },
      onReadings: (readings) => this.#buffer(readings),
    });
  }

  get range(): RangeKey {
    return this.#range;
  }

  get points(): ChartPoint[] {
    return this.#points;
  }

  get window(): SeriesWindow | undefined {
    return this.#window;
  }

  get datastream(): ChartDatastream | null | undefined {
    return this.feed.data?.datastream;
  }

  /** The enabled alert rules (of every datastream; thresholdsOf picks this one's). */
  get rules(): ChartAlertRule[] {
    return this.feed.data?.rules ?? [];
  }

  setRange(range: RangeKey): void {
    if (range === this.#range) return;
    this.#range = range;
    this.feed.reload();
  }

  start(): void {
    this.feed.start();
  }

  stop(): void {
    this.feed.stop();
  }

  async #load(client: Client): Promise<Loaded | Error> {
    const range = this.#range;
    const window = seriesWindow(range, new Date());
    const result = await client
      .query(
        DatastreamChartQuery,
        { id: this.#id, bucket: window.bucket, from: window.from.toISOString(), to: window.to.toISOString() },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    if (!result.data) return result.error ?? new Error('the chart query answered without data');
    const { datastream } = result.data;
    // Only the answer for the range still selected may replace the points.
    if (range === this.#range) {
      this.#window = window;
      this.#points = chartPoints(datastream?.series ?? []);
    }
    return { datastream, rules: result.data.alertRules.nodes, window };
  }

  #buffer(readings: readonly Reading[]): void {
    // Before the first series there is nothing to extend: the series will hold these readings.
    if (!this.#window) return;
    for (const reading of readings)
      if (reading.datastreamId === this.#id)
        this.#pending.push({ time: Date.parse(reading.time), value: reading.value });
    if (this.#pending.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const window = this.#window;
    const own = this.#pending.splice(0);
    if (!window || own.length === 0) return;
    // The window ends on the next whole hour; a reading after it means the window must move on.
    if (own.some((reading) => reading.time >= window.to.getTime())) {
      this.feed.reload();
      return;
    }
    this.#points = mergeReadings(this.#points, own, {
      bucket: window.bucket,
      from: window.from.getTime(),
      to: window.to.getTime(),
    });
  }
}
