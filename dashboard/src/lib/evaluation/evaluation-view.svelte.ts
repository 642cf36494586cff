import type { Client } from '@urql/core';
import { Clock } from '#lib/clock.svelte.ts';
import { type QuickWinEvaluationData, QuickWinEvaluationQuery } from '#lib/graphql/evaluation.ts';
import type { Reading } from '#lib/graphql/queries.ts';
import { LiveFeed } from '#lib/live-feed.svelte.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import {
  type DatastreamQuality,
  datastreamQuality,
  type QualityWindow,
  qualityWindow,
} from './data-quality.ts';

interface Loaded {
  data: QuickWinEvaluationData;
  window: QualityWindow;
}

/**
 * One quick win's evaluation: its programme, KPIs, devices and the regency's roll-up from one
 * query; on the view's one subscription, the latest readings of its own devices, so freshness
 * is judged as of now (completeness as of the query), and its report decisions: the query runs again when one of its
 * reports is approved, so the KPI's actual value and every grade above it follow without a
 * reload of the page.
 */
export class EvaluationView {
  readonly readings = new LiveReadings();
  readonly feed: LiveFeed<Loaded>;
  readonly #clock = new Clock(5_000);

  readonly quality: ReadonlyMap<string, DatastreamQuality> = $derived.by(() => {
    const loaded = this.feed.data;
    const result = new Map<string, DatastreamQuality>();
    if (!loaded?.data.programme) return result;
    for (const thing of loaded.data.programme.things) {
      for (const datastream of thing.datastreams) {
        const latest = this.readings.get(datastream.id)?.time;
        result.set(datastream.id, datastreamQuality(datastream, latest, loaded.window, this.#clock.now));
      }
    }
    return result;
  });

  constructor(client: Client, programmeId: string) {
    this.feed = new LiveFeed<Loaded>({
      client,
      readings: this.readings,
      load: async (c) => {
        const window = qualityWindow(new Date());
        const result = await c
          .query(
            QuickWinEvaluationQuery,
            { id: programmeId, qualityFrom: window.from.toISOString(), qualityTo: window.to.toISOString() },
            { requestPolicy: 'network-only' },
          )
          .toPromise();
        if (!result.data) return result.error ?? new Error('the evaluation query answered without data');
        return { data: result.data, window };
      },
      latest: latestReadings,
      readingsOf: { programmeId },
      reloadOnApprovalOf: { programmeId },
    });
  }

  get data(): QuickWinEvaluationData | undefined {
    return this.feed.data?.data;
  }

  get now(): Date {
    return this.#clock.now;
  }

  start(): void {
    this.#clock.start();
    this.feed.start();
  }

  stop(): void {
    this.feed.stop();
    this.#clock.stop();
  }
}

function* latestReadings({ data }: Loaded): Generator<Reading> {
  for (const thing of data.programme?.things ?? [])
    for (const datastream of thing.datastreams)
      if (datastream.latest) yield { datastreamId: datastream.id, ...datastream.latest };
}
