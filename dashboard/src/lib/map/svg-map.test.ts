import { describe, expect, it } from 'vitest';
import type { SiteFeatureProperties } from './map-style.ts';
import { clusterPoints, fitProjection, svgPath } from './svg-map.ts';

const site = (id: string): SiteFeatureProperties => ({
  id,
  name: id,
  status: 'live',
  stale: 0,
  alert: '',
  alertRank: 0,
});

describe('fitProjection', () => {
  it('puts the bounds inside the padded box, centred, north up', () => {
    const project = fitProjection([120.0, -2.9, 120.6, -2.0], 800, 600, { padding: 50, maxZoom: 20 });
    const [west, north] = project([120.0, -2.0]);
    const [east, south] = project([120.6, -2.9]);
    // The taller side fills the height between the paddings; the other is centred.
    expect(north).toBeCloseTo(50, 5);
    expect(south).toBeCloseTo(550, 5);
    expect((west + east) / 2).toBeCloseTo(400, 5);
    expect(east - west).toBeLessThan(700);
    // Web Mercator stretches north-south distances away from the equator, unlike plate carrée.
    expect((south - north) / (east - west)).toBeGreaterThan(0.9 / 0.6);
  });

  it('never comes closer than the maximum zoom, so a lone site sits in the middle', () => {
    const project = fitProjection([120.3, -2.6, 120.3, -2.6], 800, 600, { padding: 64, maxZoom: 12 });
    expect(project([120.3, -2.6])).toEqual([400, 300]);
    // At zoom 12 the world is 512 * 2^12 px wide: 0.01 degrees of longitude is about 58 px.
    const [x] = project([120.31, -2.6]);
    expect(x - 400).toBeCloseTo((0.01 / 360) * 512 * 2 ** 12, 5);
  });
});

describe('clusterPoints', () => {
  it('groups sites within the radius at their mean and keeps distant ones apart, in order', () => {
    const points = clusterPoints(
      [
        { x: 100, y: 100, properties: site('a') },
        { x: 500, y: 100, properties: site('far') },
        { x: 120, y: 100, properties: site('b') },
        { x: 100, y: 130, properties: site('c') },
      ],
      36,
    );
    expect(points.map((p) => p.sites.map((s) => s.id))).toEqual([['a', 'b', 'c'], ['far']]);
    expect(points[0]?.x).toBeCloseTo(320 / 3, 5);
    expect(points[0]?.y).toBeCloseTo(110, 5);
  });

  it('measures from the group first site, so a chain of close sites does not merge into one', () => {
    const chain = [0, 30, 60, 90].map((x, i) => ({ x, y: 0, properties: site(String(i)) }));
    expect(clusterPoints(chain, 36).map((p) => p.sites.length)).toEqual([2, 2]);
  });
});

describe('svgPath', () => {
  it('draws projected points, closing rings', () => {
    const project = ([lng, lat]: readonly [number, number]): [number, number] => [lng * 10, lat * 10];
    expect(
      svgPath(
        [
          [1, 2],
          [3, 4],
        ],
        project,
        true,
      ),
    ).toBe('M10.0 20.0L30.0 40.0Z');
  });
});
