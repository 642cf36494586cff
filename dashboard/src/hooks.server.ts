import type { Handle } from '@sveltejs/kit/hooks';

// Cross-Origin-Opener-Policy: no page of another origin keeps a window reference to the
// dashboard (nor the dashboard to it: the dashboard opens no such window). It also matters for
// speed: a navigation into the dashboard then starts a browsing context group of its own, in a
// renderer process of its own, so the page left behind is torn down elsewhere. Without it,
// Chromium tore the previous page's compositor down on the dashboard's main thread about a
// second in, waiting there for the GPU process: 0.2-0.9 s of blocked main thread on a busy
// machine (docs/benchmarks.md, "Mobile blocking time").
export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  response.headers.set('cross-origin-opener-policy', 'same-origin');
  return response;
};
