import type { Client } from '@urql/core';
import { LiveAlerts } from '#lib/alerts/live-alerts.svelte.ts';
import { Clock } from '#lib/clock.svelte.ts';
import { latestSiteReadings, loadAllSites, type SiteThing } from '#lib/graphql/sites.ts';
import { LiveFeed } from '#lib/live-feed.svelte.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import { groupSites, type Site, type SiteState, siteState } from './site-status.ts';

/**
 * Every site with its live status: the devices from one paged load, their readings from the
 * view's one subscription, its open alerts from one more, and a clock so that a site turns
 * stale while nothing arrives.
 */
export class SitesView {
  readonly readings = new LiveReadings();
  readonly feed: LiveFeed<SiteThing[]>;
  readonly alerts: LiveAlerts;
  readonly #clock: Clock;

  readonly sites: Site[] = $derived.by(() => groupSites(this.feed.data ?? []));
  readonly states: ReadonlyMap<string, SiteState> = $derived.by(
    () =>
      new Map(
        this.sites.map((site) => [
          site.id,
          siteState(
            site,
            (id) => this.readings.get(id)?.time,
            this.#clock.now,
            (ids) => this.alerts.open.highestLevel(ids),
          ),
        ]),
      ),
  );

  constructor(client: Client, clock: Clock = new Clock(5_000)) {
    this.#clock = clock;
    this.alerts = new LiveAlerts(client);
    this.feed = new LiveFeed({
      client,
      readings: this.readings,
      load: loadAllSites,
      latest: latestSiteReadings,
    });
  }

  start(): void {
    this.#clock.start();
    this.feed.start();
    this.alerts.start();
  }

  stop(): void {
    this.alerts.stop();
    this.feed.stop();
    this.#clock.stop();
  }
}
