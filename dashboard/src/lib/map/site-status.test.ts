import { describe, expect, it } from 'vitest';
import type { SiteDatastream, SiteThing } from '#lib/graphql/sites.ts';
import { freshness, groupSites, siteState } from './site-status.ts';

const NOW = new Date('2026-03-01T08:00:00Z');
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

function datastream(id: string, expectedIntervalSeconds = 60): SiteDatastream {
  return {
    id,
    key: id,
    unit: 'm',
    expectedIntervalSeconds,
    observedProperty: { name: { id: id, en: id } },
    latest: null,
  };
}

function thing(id: string, locationId: string, datastreams: SiteDatastream[]): SiteThing {
  return {
    id,
    databaseId: id,
    name: id,
    isSample: true,
    location: {
      id: locationId,
      databaseId: locationId,
      name: locationId,
      latitude: -2.55,
      longitude: 120.33,
    },
    programme: {
      id: 'p',
      kind: 'QUICK_WIN',
      isSample: true,
      name: { id: 'p', en: 'p' },
      owner: { acronym: 'BPBD' },
      evaluation: { progress: null, expectedProgress: 0, status: 'NO_DATA' },
      dimension: { id: 'd', sortOrder: 1, name: { id: 'd', en: 'd' } },
    },
    datastreams,
  };
}

describe('freshness', () => {
  it('is fresh up to half an interval after a reading was due and stale after it', () => {
    // A device that keeps a 60 s interval is 60 s old just before each reading arrives.
    expect(freshness(secondsAgo(61), 60, NOW)).toBe('fresh');
    expect(freshness(secondsAgo(90), 60, NOW)).toBe('fresh');
    expect(freshness(secondsAgo(91), 60, NOW)).toBe('stale');
    expect(freshness(secondsAgo(449), 300, NOW)).toBe('fresh');
    expect(freshness(secondsAgo(451), 300, NOW)).toBe('stale');
  });

  it('tells a datastream that never reported from a stale one', () => {
    expect(freshness(undefined, 60, NOW)).toBe('no-data');
  });
});

describe('sites', () => {
  const things = [
    thing('river-a', 'bridge', [datastream('level'), datastream('rain')]),
    thing('market', 'market', [datastream('pm25', 300)]),
    thing('river-b', 'bridge', [datastream('level-b')]),
  ];

  it('groups devices at one location into one site, in first-seen order', () => {
    const sites = groupSites(things);
    expect(sites.map((site) => [site.id, site.things.map((t) => t.id)])).toEqual([
      ['bridge', ['river-a', 'river-b']],
      ['market', ['market']],
    ]);
  });

  it('is live only when every datastream is fresh, and counts the stale ones', () => {
    const [bridge] = groupSites(things);
    if (!bridge) throw new Error('no site');
    const fresh = new Map([
      ['level', secondsAgo(10)],
      ['rain', secondsAgo(20)],
      ['level-b', secondsAgo(30)],
    ]);
    expect(siteState(bridge, (id) => fresh.get(id), NOW)).toMatchObject({
      status: 'live',
      stale: 0,
      newest: secondsAgo(10),
    });
    fresh.set('rain', secondsAgo(600));
    expect(siteState(bridge, (id) => fresh.get(id), NOW)).toMatchObject({ status: 'stale', stale: 1 });
    fresh.delete('level-b');
    expect(siteState(bridge, (id) => fresh.get(id), NOW)).toMatchObject({
      status: 'stale',
      stale: 1,
      silent: 1,
      datastreams: 3,
    });
  });

  it('has no data until one of its datastreams reports', () => {
    const market = groupSites(things)[1];
    if (!market) throw new Error('no site');
    expect(siteState(market, () => undefined, NOW).status).toBe('no-data');
  });

  it('carries the highest alert level open on its datastreams beside its freshness', () => {
    const [bridge] = groupSites(things);
    if (!bridge) throw new Error('no site');
    const asked: string[][] = [];
    const state = siteState(
      bridge,
      () => secondsAgo(5),
      NOW,
      (ids) => {
        asked.push([...ids].sort());
        return ids.has('level-b') ? 'SIAGA' : undefined;
      },
    );
    expect(state).toMatchObject({ status: 'live', alertLevel: 'SIAGA' });
    expect(asked).toEqual([['level', 'level-b', 'rain']]);
    expect(siteState(bridge, () => secondsAgo(5), NOW).alertLevel).toBeUndefined();
  });
});
