import type { FeatureCollection, Point } from 'geojson';
import type {
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import { ALERT_COLOURS, levelRank } from '#lib/alerts/open-alerts.ts';
import type { Basemap } from './basemap.ts';
import { SAMPLE_AREA, SAMPLE_RIVERS } from './offline-geography.ts';
import type { Site, SiteState, SiteStatus } from './site-status.ts';

// MapLibre paints in WebGL and cannot read CSS variables: these repeat app.css's palette.
export const STATUS_COLOURS: Record<SiteStatus, string> = {
  live: '#3ddc97',
  stale: '#f5b942',
  'no-data': '#a9b8c8',
};
export const LAND = '#16212d';
export const SEA = '#0b1724';
export const BACKGROUND = '#0b1118';
export const RIVER = '#3b7bbf';
export const OUTLINE = '#3a4d63';

export const SITES_SOURCE = 'sites';
/** Sites closer than this on screen (CSS pixels) are drawn as one cluster. */
export const CLUSTER_PIXELS = 36;
/** The one layer that draws the sites and their clusters (clicks and the cursor are bound to it). */
export const SITES_LAYER = 'sites';

/** The style MapLibre starts from: the offline sample, or the configured basemap. */
export function baseStyle(basemap: Basemap, attribution: string): StyleSpecification | string {
  if (basemap.kind === 'style') return basemap.url;
  // No background layer: the canvas is transparent where nothing is drawn and the map's frame
  // has the same colour (BACKGROUND) in CSS, so a full-screen pass and its shader program are
  // saved on every frame. Likewise the fills do without MapLibre's antialiased outline pass
  // (a program of its own; the regency's edge is its outline layer) and the outline is a solid
  // line, which shares the rivers' program where a dashed one needs another (docs/benchmarks.md,
  // /map: each program costs a compile and link while the first frame is drawn).
  if (basemap.kind === 'offline') {
    return {
      version: 8,
      // One source for the whole sample geography: each source is cut into tiles by its own
      // round trip to MapLibre's worker, and each tile that arrives draws the map again.
      sources: {
        sample: {
          type: 'geojson',
          data: { type: 'FeatureCollection', features: [...SAMPLE_AREA.features, ...SAMPLE_RIVERS.features] },
        },
      },
      layers: [
        {
          id: 'sea',
          type: 'fill',
          source: 'sample',
          filter: ['==', ['get', 'kind'], 'sea'],
          paint: { 'fill-color': SEA, 'fill-antialias': false },
        },
        {
          id: 'regency',
          type: 'fill',
          source: 'sample',
          filter: ['==', ['get', 'kind'], 'regency'],
          paint: { 'fill-color': LAND, 'fill-antialias': false },
        },
        {
          id: 'regency-outline',
          type: 'line',
          source: 'sample',
          filter: ['==', ['get', 'kind'], 'regency'],
          paint: { 'line-color': OUTLINE, 'line-width': 1.5 },
        },
        {
          id: 'rivers',
          type: 'line',
          source: 'sample',
          filter: ['==', ['geometry-type'], 'LineString'],
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': RIVER, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 14, 5] },
        },
      ],
    };
  }
  const url = basemap.kind === 'pmtiles' ? `pmtiles://${basemap.url}` : undefined;
  return {
    version: 8,
    sources: {
      basemap: {
        type: 'raster',
        ...(url ? { url } : { tiles: [basemap.kind === 'raster' ? basemap.tiles : ''] }),
        tileSize: 256,
        ...(attribution ? { attribution } : {}),
      },
    },
    layers: [{ id: 'basemap', type: 'raster', source: 'basemap' }],
  };
}

export interface SiteFeatureProperties {
  id: string;
  name: string;
  status: SiteStatus;
  stale: number;
  /** The highest open alert level, or '' with none. */
  alert: string;
  /** 1 (WASPADA, or a level a rule named itself) to 3 (AWAS); 0 with no open alert. */
  alertRank: number;
}

/** How the camera frames the sites: room for their labels, never closer than a town. */
export const SITES_FIT = { padding: 64, maxZoom: 12 } as const;

/** West, south, east, north around every site; undefined without sites. */
export function sitesBounds(sites: readonly Site[]): [number, number, number, number] | undefined {
  if (sites.length === 0) return undefined;
  const lngs = sites.map((site) => site.longitude);
  const lats = sites.map((site) => site.latitude);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}

/** Sites as GeoJSON points carrying their status, for the clustered source. */
export function sitesGeoJson(
  sites: readonly Site[],
  states: ReadonlyMap<string, SiteState>,
): FeatureCollection<Point, SiteFeatureProperties> {
  return {
    type: 'FeatureCollection',
    features: sites.map((site) => {
      const state = states.get(site.id);
      return {
        type: 'Feature',
        id: site.id,
        properties: {
          id: site.id,
          name: site.name,
          status: state?.status ?? 'no-data',
          stale: (state?.stale ?? 0) + (state?.silent ?? 0),
          alert: state?.alertLevel ?? '',
          alertRank: state?.alertLevel === undefined ? 0 : Math.max(1, levelRank(state.alertLevel)),
        },
        geometry: { type: 'Point', coordinates: [site.longitude, site.latitude] },
      };
    }),
  };
}

const countOf = (status: SiteStatus) => ['+', ['case', ['==', ['get', 'status'], status], 1, 0]];

/**
 * Clustering in the source: many sites merge into one circle per area with counts by status,
 * so a cluster holding one stale site is amber even when its other sites are live; an open
 * alert outranks every status, the highest one colouring the cluster.
 */
export function sitesSource(
  data: FeatureCollection<Point, SiteFeatureProperties>,
): GeoJSONSourceSpecification {
  return {
    type: 'geojson',
    data,
    cluster: true,
    clusterRadius: CLUSTER_PIXELS,
    clusterMaxZoom: 14,
    clusterProperties: {
      live: countOf('live'),
      stale: countOf('stale'),
      nodata: countOf('no-data'),
      alertRank: ['max', ['get', 'alertRank']],
    },
  };
}

/** Alert ranks from the highest down: the first one a point reaches colours it. */
const ALERT_BY_RANK = [
  [3, ALERT_COLOURS.AWAS],
  [2, ALERT_COLOURS.SIAGA],
  [1, ALERT_COLOURS.WASPADA],
] as const;
/** A cluster takes the colour of the first status that any of its sites has, in this order. */
const CLUSTER_STATUS_ORDER = [
  ['stale', 'stale'],
  ['live', 'live'],
] as const satisfies readonly (readonly [string, SiteStatus])[];
/** Cluster circles grow with their count: [count from which, radius]. */
const [SMALL_CLUSTER, ...CLUSTER_STEPS] = [
  [0, 16],
  [10, 20],
  [100, 26],
] as const;
export const SITE_RADIUS = 9;
export const CLUSTER_OPACITY = 0.85;
export const SITE_STROKE_WIDTH = 2;

/** A site's colour, or a cluster's from its counts: the same rule as SITE_LAYERS, for the SVG map. */
export function pointColour(
  point:
    | { alertRank: number; status: SiteStatus }
    | { alertRank: number; live: number; stale: number; nodata: number },
): string {
  for (const [rank, colour] of ALERT_BY_RANK) if (point.alertRank >= rank) return colour;
  if ('status' in point) return STATUS_COLOURS[point.status];
  for (const [count, status] of CLUSTER_STATUS_ORDER) if (point[count] > 0) return STATUS_COLOURS[status];
  return STATUS_COLOURS['no-data'];
}

export function clusterRadius(count: number): number {
  return CLUSTER_STEPS.findLast(([from]) => count >= from)?.[1] ?? SMALL_CLUSTER[1];
}

/** Colours by the highest open alert when a site (or cluster) has one, else by `otherwise`. */
function byAlert(otherwise: ExpressionSpecification): ExpressionSpecification {
  return [
    'case',
    ...ALERT_BY_RANK.flatMap(([rank, colour]) => [['>=', ['get', 'alertRank'], rank], colour]),
    otherwise,
  ] as ExpressionSpecification;
}

const isCluster: ExpressionSpecification = ['has', 'point_count'];

/**
 * Sites and clusters in one circle layer: MapLibre builds a shader program for each distinct
 * layer configuration (two circle layers with different data-driven paint were two), and each
 * program is compiled and linked while the first frame is drawn (see docs/benchmarks.md, /map).
 */
export const SITE_LAYERS: LayerSpecification[] = [
  {
    id: SITES_LAYER,
    type: 'circle',
    source: SITES_SOURCE,
    paint: {
      'circle-color': byAlert([
        'case',
        isCluster,
        [
          'case',
          ...CLUSTER_STATUS_ORDER.flatMap(([count, status]) => [
            ['>', ['get', count], 0],
            STATUS_COLOURS[status],
          ]),
          STATUS_COLOURS['no-data'],
        ] as ExpressionSpecification,
        [
          'match',
          ['get', 'status'],
          'live',
          STATUS_COLOURS.live,
          'stale',
          STATUS_COLOURS.stale,
          STATUS_COLOURS['no-data'],
        ],
      ]),
      'circle-opacity': ['case', isCluster, CLUSTER_OPACITY, 1],
      'circle-radius': [
        'case',
        isCluster,
        ['step', ['get', 'point_count'], SMALL_CLUSTER[1], ...CLUSTER_STEPS.flat()],
        SITE_RADIUS,
      ] as ExpressionSpecification,
      'circle-stroke-color': BACKGROUND,
      'circle-stroke-width': SITE_STROKE_WIDTH,
    },
  },
];
