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
const LAND = '#16212d';
const SEA = '#0b1724';
const BACKGROUND = '#0b1118';
const RIVER = '#3b7bbf';
const OUTLINE = '#3a4d63';

export const SITES_SOURCE = 'sites';

/** The style MapLibre starts from: the offline sample, or the configured basemap. */
export function baseStyle(basemap: Basemap, attribution: string): StyleSpecification | string {
  if (basemap.kind === 'style') return basemap.url;
  const background: LayerSpecification = {
    id: 'background',
    type: 'background',
    paint: { 'background-color': BACKGROUND },
  };
  if (basemap.kind === 'offline') {
    return {
      version: 8,
      sources: {
        area: { type: 'geojson', data: SAMPLE_AREA },
        rivers: { type: 'geojson', data: SAMPLE_RIVERS },
      },
      layers: [
        background,
        {
          id: 'sea',
          type: 'fill',
          source: 'area',
          filter: ['==', ['get', 'kind'], 'sea'],
          paint: { 'fill-color': SEA },
        },
        {
          id: 'regency',
          type: 'fill',
          source: 'area',
          filter: ['==', ['get', 'kind'], 'regency'],
          paint: { 'fill-color': LAND, 'fill-outline-color': OUTLINE },
        },
        {
          id: 'regency-outline',
          type: 'line',
          source: 'area',
          filter: ['==', ['get', 'kind'], 'regency'],
          paint: { 'line-color': OUTLINE, 'line-width': 1.5, 'line-dasharray': [3, 2] },
        },
        {
          id: 'rivers',
          type: 'line',
          source: 'rivers',
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
    layers: [background, { id: 'basemap', type: 'raster', source: 'basemap' }],
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
    clusterRadius: 36,
    clusterMaxZoom: 14,
    clusterProperties: {
      live: countOf('live'),
      stale: countOf('stale'),
      nodata: countOf('no-data'),
      alertRank: ['max', ['get', 'alertRank']],
    },
  };
}

/** Colours by the highest open alert when a site (or cluster) has one, else by `otherwise`. */
function byAlert(otherwise: ExpressionSpecification): ExpressionSpecification {
  return [
    'case',
    ['>=', ['get', 'alertRank'], 3],
    ALERT_COLOURS.AWAS,
    ['>=', ['get', 'alertRank'], 2],
    ALERT_COLOURS.SIAGA,
    ['>=', ['get', 'alertRank'], 1],
    ALERT_COLOURS.WASPADA,
    otherwise,
  ];
}

export const SITE_LAYERS: LayerSpecification[] = [
  {
    id: 'site-clusters',
    type: 'circle',
    source: SITES_SOURCE,
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': byAlert([
        'case',
        ['>', ['get', 'stale'], 0],
        STATUS_COLOURS.stale,
        ['>', ['get', 'live'], 0],
        STATUS_COLOURS.live,
        STATUS_COLOURS['no-data'],
      ]),
      'circle-opacity': 0.85,
      'circle-radius': ['step', ['get', 'point_count'], 16, 10, 20, 100, 26],
      'circle-stroke-color': BACKGROUND,
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'site-points',
    type: 'circle',
    source: SITES_SOURCE,
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': byAlert([
        'match',
        ['get', 'status'],
        'live',
        STATUS_COLOURS.live,
        'stale',
        STATUS_COLOURS.stale,
        STATUS_COLOURS['no-data'],
      ]),
      'circle-radius': 9,
      'circle-stroke-color': BACKGROUND,
      'circle-stroke-width': 2,
    },
  },
];
