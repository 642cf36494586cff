import type { SiteThing } from '#lib/graphql/sites.ts';

/**
 * fresh: the latest reading is no older than the datastream's expected interval and a half;
 * stale: it is older (the device missed a reading); no-data: the datastream has never reported.
 */
export type Freshness = 'fresh' | 'stale' | 'no-data';

/**
 * A device that keeps its interval exactly is one interval old just before each reading arrives,
 * so stale at one interval would flash on every healthy site for the time a reading takes to
 * arrive and be stored. Half an interval of grace absorbs that and a device's clock drift; a
 * missed reading still shows within half an interval of its due time.
 */
export const STALE_AFTER_INTERVALS = 1.5;

/** The rule of `expectedIntervalSeconds` ("longer silence means the datastream is stale"). */
export function freshness(latest: Date | undefined, expectedIntervalSeconds: number, now: Date): Freshness {
  if (!latest) return 'no-data';
  const age = now.getTime() - latest.getTime();
  return age > expectedIntervalSeconds * 1000 * STALE_AFTER_INTERVALS ? 'stale' : 'fresh';
}

/** live: every datastream fresh; stale: some are stale or silent; no-data: none ever reported. */
export type SiteStatus = 'live' | 'stale' | 'no-data';

/** One place on the map: every device registered at one location. */
export interface Site {
  id: string;
  /** The location's readable id, e.g. masamba-bridge. */
  databaseId: string;
  name: string;
  latitude: number;
  longitude: number;
  things: SiteThing[];
}

export interface SiteState {
  status: SiteStatus;
  /** Datastreams whose latest reading is older than their expected interval. */
  stale: number;
  /** Datastreams that have never reported. */
  silent: number;
  datastreams: number;
  /** The newest observation at the site. */
  newest: Date | undefined;
  /** The highest level of the alerts open on its datastreams; the map colours the site by it. */
  alertLevel: string | undefined;
}

/** Groups devices by their location, in the order the locations first appear. */
export function groupSites(things: readonly SiteThing[]): Site[] {
  const sites = new Map<string, Site>();
  for (const thing of things) {
    const { location } = thing;
    let site = sites.get(location.id);
    if (!site) {
      site = { ...location, things: [] };
      sites.set(location.id, site);
    }
    site.things.push(thing);
  }
  return [...sites.values()];
}

/** A site's status from the latest reading of each of its datastreams, as of `now`. */
export function siteState(
  site: Site,
  latestOf: (datastreamId: string) => Date | undefined,
  now: Date,
  alertLevelOf: (datastreamIds: ReadonlySet<string>) => string | undefined = () => undefined,
): SiteState {
  let stale = 0;
  let silent = 0;
  let datastreams = 0;
  let newest: Date | undefined;
  for (const thing of site.things) {
    for (const datastream of thing.datastreams) {
      datastreams++;
      const latest = latestOf(datastream.id);
      if (latest && (!newest || latest > newest)) newest = latest;
      const state = freshness(latest, datastream.expectedIntervalSeconds, now);
      if (state === 'stale') stale++;
      else if (state === 'no-data') silent++;
    }
  }
  const status: SiteStatus =
    datastreams === 0 || silent === datastreams ? 'no-data' : stale + silent > 0 ? 'stale' : 'live';
  const ids = new Set(site.things.flatMap((thing) => thing.datastreams.map((datastream) => datastream.id)));
  return { status, stale, silent, datastreams, newest, alertLevel: alertLevelOf(ids) };
}
