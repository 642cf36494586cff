import { defineEnvVars } from '@sveltejs/kit/env';
import { parseBasemapUrl } from './lib/map/basemap.ts';

// SvelteKit 3 only exposes variables declared here; they are read when the server starts.
export const variables = defineEnvVars({
  PUBLIC_GRAPHQL_URL: {
    public: true,
    description:
      'GraphQL endpoint the browser talks to. Defaults to "/graphql" on the same origin as the dashboard.',
    schema: (value) => parseGraphqlUrl(value),
  },
  PUBLIC_BASEMAP_URL: {
    public: true,
    description:
      'Basemap of the map: a MapLibre style JSON URL, an XYZ raster template ({z}/{x}/{y}) or a .pmtiles file. Unset: the offline sample map, which loads nothing from outside.',
    schema: (value) => parseBasemapUrl(value),
  },
  PUBLIC_BASEMAP_ATTRIBUTION: {
    public: true,
    description:
      'Attribution shown on the map for the configured basemap (e.g. "© OpenStreetMap contributors").',
    schema: (value) => value?.trim() ?? '',
  },
});

/** Accepts a same-origin path or an absolute http(s) URL; anything else fails the start. */
export function parseGraphqlUrl(value: string | undefined): string {
  const url = value?.trim();
  if (!url) return '/graphql';
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`PUBLIC_GRAPHQL_URL must be a path like "/graphql" or an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`PUBLIC_GRAPHQL_URL must use http or https, got "${parsed.protocol}"`);
  }
  return url;
}
