import { describe, expect, it } from 'vitest';
import { ALERT_COLOURS } from '#lib/alerts/open-alerts.ts';
import { clusterRadius, pointColour, STATUS_COLOURS, sitesBounds, sitesGeoJson } from './map-style.ts';
import type { Site, SiteState } from './site-status.ts';

const site = (id: string, longitude = 120.3, latitude = -2.6): Site => ({
  id,
  databaseId: id,
  name: id,
  latitude,
  longitude,
  things: [],
});
const state = (alertLevel: string | undefined): SiteState => ({
  status: 'live',
  stale: 0,
  silent: 0,
  datastreams: 1,
  newest: undefined,
  alertLevel,
});

describe('sitesGeoJson', () => {
  it('ranks each site by its highest open alert, for the colour of its point and its cluster', () => {
    const sites = ['awas', 'siaga', 'custom', 'none'].map((id) => site(id));
    const states = new Map([
      ['awas', state('AWAS')],
      ['siaga', state('SIAGA')],
      ['custom', state('BANJIR')],
      ['none', state(undefined)],
    ]);
    const properties = sitesGeoJson(sites, states).features.map((f) => [
      f.properties.alert,
      f.properties.alertRank,
    ]);
    expect(properties).toEqual([
      ['AWAS', 3],
      ['SIAGA', 2],
      ['BANJIR', 1],
      ['', 0],
    ]);
  });
});

describe('sitesBounds', () => {
  it('frames every site, west, south, east, north, so the map starts on them', () => {
    expect(sitesBounds([site('a', 120.33, -2.55), site('b', 120.41, -2.61), site('c', 120.3, -2.5)])).toEqual(
      [120.3, -2.61, 120.41, -2.5],
    );
  });

  it('has nothing to frame without sites', () => {
    expect(sitesBounds([])).toBeUndefined();
  });
});

describe('pointColour', () => {
  it('colours as the WebGL layer does: an alert first, then a cluster by its stalest site', () => {
    expect(pointColour({ alertRank: 2, status: 'live' })).toBe(ALERT_COLOURS.SIAGA);
    expect(pointColour({ alertRank: 0, status: 'stale' })).toBe(STATUS_COLOURS.stale);
    expect(pointColour({ alertRank: 0, live: 3, stale: 1, nodata: 0 })).toBe(STATUS_COLOURS.stale);
    expect(pointColour({ alertRank: 0, live: 3, stale: 0, nodata: 2 })).toBe(STATUS_COLOURS.live);
    expect(pointColour({ alertRank: 0, live: 0, stale: 0, nodata: 2 })).toBe(STATUS_COLOURS['no-data']);
    expect(pointColour({ alertRank: 5, live: 3, stale: 0, nodata: 0 })).toBe(ALERT_COLOURS.AWAS);
  });

  it('sizes clusters by their count', () => {
    expect([2, 9, 10, 99, 100, 5000].map(clusterRadius)).toEqual([16, 16, 20, 20, 26, 26]);
  });
});
