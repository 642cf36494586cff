/**
 * What the map draws under the sites, from PUBLIC_BASEMAP_URL:
 * - offline (unset): the bundled sample outline, rivers and labels; no request leaves the hub;
 * - style: a MapLibre style JSON (its sources may be `pmtiles://` files);
 * - raster: an XYZ tile template with {z}/{x}/{y};
 * - pmtiles: one self-hosted PMTiles file of raster tiles.
 */
export type Basemap =
  | { kind: 'offline' }
  | { kind: 'style'; url: string }
  | { kind: 'raster'; tiles: string }
  | { kind: 'pmtiles'; url: string };

export function parseBasemapUrl(value: string | undefined): Basemap {
  const url = value?.trim();
  if (!url) return { kind: 'offline' };
  const location = url.startsWith('pmtiles://') ? url.slice('pmtiles://'.length) : url;
  if (!isHttpOrPath(location)) {
    throw new Error(
      `PUBLIC_BASEMAP_URL must be a path like "/tiles/luwu.pmtiles" or an http(s) URL (a style JSON, an XYZ template with {z}/{x}/{y}, or a .pmtiles file), got "${url}"; leave it unset for the offline sample map`,
    );
  }
  if (url.startsWith('pmtiles://') || /\.pmtiles(\?|$)/i.test(location))
    return { kind: 'pmtiles', url: location };
  if (url.includes('{z}')) {
    if (!url.includes('{x}') || !url.includes('{y}')) {
      throw new Error(`PUBLIC_BASEMAP_URL is a tile template but lacks {x} or {y}: "${url}"`);
    }
    return { kind: 'raster', tiles: url };
  }
  return { kind: 'style', url };
}

function isHttpOrPath(url: string): boolean {
  if (url.startsWith('/') && !url.startsWith('//')) return true;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
