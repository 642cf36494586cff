import type { Client } from '@urql/core';
import { OpenAlerts } from '#lib/alerts/live-alerts.svelte.ts';
import { Clock } from '#lib/clock.svelte.ts';
import { latestSiteReadings, loadAllSites, type SiteThing } from '#lib/graphql/sites.ts';
import { LiveFeed, type LiveFeedOptions } from '#lib/live-feed.svelte.ts';
import { LiveReadings } from '#lib/live-readings.svelte.ts';
import { groupSites, type Site, type SiteState, siteState } from './site-status.ts';

/**
 * Every site with its live status: the devices from one paged load, their readings and open
 * alerts from the view's one subscription, and a clock so that a site turns stale while
 * nothing arrives.
 */
export class SitesView {
  readonly readings = new LiveReadings();
  readonly feed: LiveFeed<SiteThing[]>;
  readonly alerts = new OpenAlerts();
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
            (ids) => this.alerts.highestLevel(ids),
          ),
        ]),
      ),
  );

  constructor(
    client: Client,
    clock: Clock = new Clock(5_000),
    options: Pick<LiveFeedOptions<SiteThing[]>, 'reloadOnApprovalOf'> = {},
  ) {
    this.#clock = clock;
    this.feed = new LiveFeed({
      ...options,
      client,
      readings: this.readings,
      alerts: this.alerts,
      load: loadAllSites,
      latest: latestSiteReadings,
    });
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
