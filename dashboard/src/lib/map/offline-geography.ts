import type { FeatureCollection, LineString, Polygon } from 'geojson';

// SAMPLE, ILLUSTRATIVE geography for the offline map: a coarse outline of Luwu Utara around
// Masamba and approximate courses of the Masamba, Baliase and Rongkong rivers, drawn by hand
// from their rough positions. It is not survey data and must not be used to locate anything;
// it only lets the map read as a place when no basemap is configured. Coordinates are
// [longitude, latitude] (GeoJSON).

export const SAMPLE_AREA: FeatureCollection<Polygon, { kind: 'regency' | 'sea' }> = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { kind: 'regency' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [119.86, -2.02],
            [120.18, -1.96],
            [120.52, -2.04],
            [120.66, -2.3],
            [120.62, -2.62],
            [120.5, -2.82],
            [120.34, -2.86],
            [120.18, -2.8],
            [120.05, -2.62],
            [119.9, -2.4],
            [119.86, -2.02],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { kind: 'sea' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [120.05, -2.9],
            [120.18, -2.8],
            [120.34, -2.86],
            [120.5, -2.82],
            [120.7, -2.88],
            [120.9, -3.1],
            [120.05, -3.1],
            [120.05, -2.9],
          ],
        ],
      },
    },
  ],
};

export const SAMPLE_RIVERS: FeatureCollection<LineString, { name: string }> = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'Sungai Rongkong' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.1, -2.2],
          [120.16, -2.34],
          [120.2, -2.48],
          [120.23, -2.62],
          [120.25, -2.74],
          [120.27, -2.83],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'Sungai Masamba' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.28, -2.38],
          [120.31, -2.48],
          [120.3268, -2.5532],
          [120.335, -2.64],
          [120.345, -2.76],
          [120.35, -2.855],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { name: 'Sungai Baliase' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.45, -2.36],
          [120.41, -2.48],
          [120.3581, -2.6096],
          [120.38, -2.71],
          [120.41, -2.835],
        ],
      },
    },
  ],
};

/** Place and river names, drawn as HTML labels: the offline style bundles no font glyphs. */
export const SAMPLE_LABELS: readonly {
  name: string;
  kind: 'town' | 'river' | 'sea';
  lngLat: [number, number];
}[] = [
  { name: 'Masamba', kind: 'town', lngLat: [120.332, -2.538] },
  { name: 'Sungai Rongkong', kind: 'river', lngLat: [120.2, -2.45] },
  { name: 'Sungai Masamba', kind: 'river', lngLat: [120.318, -2.46] },
  { name: 'Sungai Baliase', kind: 'river', lngLat: [120.42, -2.45] },
  { name: 'Teluk Bone', kind: 'sea', lngLat: [120.45, -2.95] },
];

/** West, south, east, north of the sample area: the view when there are no sites. */
export const SAMPLE_BOUNDS: [number, number, number, number] = [119.86, -2.9, 120.66, -1.96];
