import { defineEnvVars } from '@sveltejs/kit/env';

// SvelteKit 3 only exposes variables declared here; they are read when the server starts.
export const variables = defineEnvVars({
  PUBLIC_GRAPHQL_URL: {
    public: true,
    description:
      'GraphQL endpoint the browser talks to. Defaults to "/graphql" on the same origin as the dashboard.',
    schema: (value) => parseGraphqlUrl(value),
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
