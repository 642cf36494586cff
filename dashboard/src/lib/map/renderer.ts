/**
 * Which map a browser draws: MapLibre's WebGL map, or the light SVG map where WebGL would be
 * drawn by the CPU (a software rasteriser blocks the page for seconds per frame: a control-room
 * PC without a usable GPU, a VM, a remote desktop; docs/benchmarks.md, /map).
 */
export type MapRenderer = 'webgl' | 'svg';

/** What the browser offers: a hardware WebGL context, a software one, or none at all. */
export type WebglSupport = 'hardware' | 'software' | 'none';

/** The operator's choice, remembered in the browser (the switch under the map sets it). */
export const RENDERER_KEY = 'bisa.map.renderer';

const isRenderer = (value: string | null | undefined): value is MapRenderer =>
  value === 'webgl' || value === 'svg';

/**
 * `?map=webgl|svg` first (tests and a wall's address force either), then the remembered choice,
 * then the WebGL map wherever it runs on a GPU. Without WebGL only the SVG map can be drawn.
 */
export function chooseRenderer(
  query: string | null,
  remembered: string | null,
  support: WebglSupport,
): MapRenderer {
  if (support === 'none') return 'svg';
  if (isRenderer(query)) return query;
  if (isRenderer(remembered)) return remembered;
  return support === 'hardware' ? 'webgl' : 'svg';
}

// Renderers that draw WebGL on the CPU. Chromium reports no performance caveat for SwiftShader
// when it is its only GPU (headless, or a machine whose GPU is blocked), so the name is asked too.
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

type ContextOptions = WebGLContextAttributes & { failIfMajorPerformanceCaveat: boolean };
type MakeContext = (options: ContextOptions) => WebGLRenderingContext | null;

/**
 * Asks for a small WebGL 1 context (enough to learn the renderer) and gives it back at once, so
 * that it does not count against the browser's limit of live contexts.
 */
export function askWebgl(make: MakeContext): WebglSupport {
  const context = (failIfMajorPerformanceCaveat: boolean) =>
    make({ failIfMajorPerformanceCaveat, antialias: false, depth: false, stencil: false });
  const gl = context(true);
  if (!gl) {
    // Refused with the caveat but given without it: the browser would render in software.
    const any = context(false);
    any?.getExtension('WEBGL_lose_context')?.loseContext();
    return any ? 'software' : 'none';
  }
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return SOFTWARE.test(name) ? 'software' : 'hardware';
}

/**
 * The first WebGL context of a page starts the browser's GPU side: 0.7 s of blocked main thread
 * with SwiftShader on this project's 2-core machine (docs/benchmarks.md). A worker asks instead,
 * on an OffscreenCanvas, so the page stays responsive; without one the page asks itself.
 */
export async function probeWebgl(): Promise<WebglSupport> {
  // MapLibre needs WebGL 2: without the API there is nothing to ask.
  if (!('WebGL2RenderingContext' in window)) return 'none';
  if (!('OffscreenCanvas' in window)) {
    return askWebgl((options) => document.createElement('canvas').getContext('webgl', options));
  }
  const worker = new Worker(new URL('./webgl-probe.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<WebglSupport>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<WebglSupport>) => resolve(event.data);
      worker.onerror = () => reject(new Error('the WebGL probe failed'));
    });
  } finally {
    worker.terminate();
  }
}
