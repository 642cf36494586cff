import { CLUSTER_PIXELS, SITES_FIT, type SiteFeatureProperties } from './map-style.ts';

// The light map's geometry: Web Mercator (MapLibre's projection, 512 px world at zoom 0) fitted
// to a box of CSS pixels the way the WebGL map's camera fits the sites, and clusters formed in
// screen space, so a software-rendered browser draws a handful of SVG elements instead of
// WebGL frames.

/**
 * An opened cluster is framed closer than the sites are (SITES_FIT stops at a town): its sites may
 * be a street apart, and past the WebGL source's last clustered zoom (14) MapLibre shows them apart.
 */
export const CLUSTER_FIT = { padding: SITES_FIT.padding, maxZoom: 17 } as const;

export type Bounds = readonly [west: number, south: number, east: number, north: number];
export type Projection = (lngLat: readonly [number, number]) => [x: number, y: number];

const WORLD = 512;
const mercatorX = (lng: number) => (lng + 180) / 360;
const mercatorY = (lat: number) => {
  const sin = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
};

/**
 * Centres `bounds` in a `width` x `height` box with `padding` on every side, at the highest zoom
 * that fits and never above `maxZoom` (SITES_FIT by default, as the WebGL map frames the sites).
 */
export function fitProjection(
  bounds: Bounds,
  width: number,
  height: number,
  { padding, maxZoom }: { padding: number; maxZoom: number } = SITES_FIT,
): Projection {
  const [west, south, east, north] = bounds;
  const dx = (mercatorX(east) - mercatorX(west)) * WORLD;
  const dy = (mercatorY(south) - mercatorY(north)) * WORLD;
  const room = (size: number) => Math.max(size - 2 * padding, 1);
  // A lone site (no extent) is shown at the closest zoom allowed.
  const scale = Math.min(
    2 ** maxZoom,
    dx > 0 ? room(width) / dx : Infinity,
    dy > 0 ? room(height) / dy : Infinity,
  );
  const cx = (mercatorX(west) + mercatorX(east)) / 2;
  const cy = (mercatorY(south) + mercatorY(north)) / 2;
  return ([lng, lat]) => [
    width / 2 + (mercatorX(lng) - cx) * WORLD * scale,
    height / 2 + (mercatorY(lat) - cy) * WORLD * scale,
  ];
}

export interface SvgPoint {
  x: number;
  y: number;
  /** The sites drawn at this point: one for a site, more for a cluster. */
  sites: SiteFeatureProperties[];
}

/**
 * Greedy screen-space clustering: each site joins the first group whose first site lies within
 * `radius` pixels, else starts one; a group sits at the mean of its sites. Sites come in the
 * order given, so the grouping is stable from one reading to the next.
 */
export function clusterPoints(
  sites: readonly { x: number; y: number; properties: SiteFeatureProperties }[],
  radius = CLUSTER_PIXELS,
): SvgPoint[] {
  const groups: { anchor: { x: number; y: number }; members: (typeof sites)[number][] }[] = [];
  for (const site of sites) {
    const group = groups.find(({ anchor }) => Math.hypot(anchor.x - site.x, anchor.y - site.y) <= radius);
    if (group) group.members.push(site);
    else groups.push({ anchor: site, members: [site] });
  }
  return groups.map(({ members }) => ({
    x: members.reduce((sum, m) => sum + m.x, 0) / members.length,
    y: members.reduce((sum, m) => sum + m.y, 0) / members.length,
    sites: members.map((m) => m.properties),
  }));
}

/** An SVG path through projected points; `close` for a polygon's ring. */
export function svgPath(
  points: readonly (readonly [number, number])[],
  project: Projection,
  close = false,
): string {
  const commands = points.map((point, index) => {
    const [x, y] = project(point);
    return `${index === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
  });
  return commands.join('') + (close ? 'Z' : '');
}
