#!/usr/bin/env node
// What building the /map view's WebGL map costs, in figures that a busy machine does not inflate
// much: the frames MapLibre draws until its map is complete, the shader programs it links, the CPU
// time of Chromium's GPU process (where SwiftShader draws and reads each frame back) and renderer
// from /proc, and, as the page sees it, the time spent waiting in WebGL calls that block and the
// blocking time (each long task's part over 50 ms, after the first contentful paint, as
// Lighthouse counts it, without its CPU slowdown). At Lighthouse's mobile screen by default.
// Usage: node bench/map-load.ts --help
import { parseArgs } from 'node:util';
import { launchChromium } from '@bisa/hub/browser-testing.ts';
import { Hub } from '@bisa/hub/hub.ts';
import { embeddedTestConfig } from '@bisa/hub/testing.ts';
import pino from 'pino';
import { chromiumCpuMs } from './chromium-cpu.ts';

const USAGE = `Usage: node bench/map-load.ts [options]

  --runs N     visits of /map measured, each in a fresh browser context, after one warm-up (default 3)
  --width N    viewport width in CSS pixels (default 412, Lighthouse's mobile screen)
  --height N   viewport height (default 823)
  --dpr N      device pixels per CSS pixel (default 2.625, Lighthouse's mobile screen)

Needs the dashboard built (pnpm --filter @bisa/dashboard build) and Chromium at /usr/bin/chromium
(or CHROMIUM_PATH). Starts an in-memory embedded hub (no simulator) and prints one line per visit.`;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    width: { type: 'string', default: '412' },
    height: { type: 'string', default: '823' },
    dpr: { type: 'string', default: '2.625' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
const width = Number(values.width);
const height = Number(values.height);
const dpr = Number(values.dpr);
if (![runs, width, height].every((n) => Number.isInteger(n) && n > 0) || !(dpr > 0)) {
  console.error('--runs, --width and --height must be positive integers, --dpr a positive number');
  process.exit(2);
}

interface MapProbe {
  frames: number;
  programs: number;
  glWaitMs: number;
  longTasks: [number, number][];
  fcp: number;
}

// Runs in the page before its scripts. A frame is a clear of the colour buffer (MapLibre clears
// once per frame); the blocking calls are those that wait for the GPU process to answer.
function installMapProbe(): void {
  const probe: MapProbe = { frames: 0, programs: 0, glWaitMs: 0, longTasks: [], fcp: 0 };
  (window as unknown as { bisaMap: MapProbe }).bisaMap = probe;
  const gl = WebGL2RenderingContext.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const timed = (target: Record<string, (...args: unknown[]) => unknown>, name: string) => {
    const original = target[name];
    if (!original) return;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        probe.glWaitMs += performance.now() - start;
      }
    };
  };
  for (const name of [
    'getProgramParameter',
    'getShaderParameter',
    'getParameter',
    'getExtension',
    'readPixels',
  ])
    timed(gl, name);
  timed(
    HTMLCanvasElement.prototype as unknown as Record<string, (...args: unknown[]) => unknown>,
    'getContext',
  );
  const clear = WebGL2RenderingContext.prototype.clear;
  WebGL2RenderingContext.prototype.clear = function (mask) {
    if (mask & WebGL2RenderingContext.COLOR_BUFFER_BIT) probe.frames += 1;
    clear.call(this, mask);
  };
  const link = WebGL2RenderingContext.prototype.linkProgram;
  WebGL2RenderingContext.prototype.linkProgram = function (program) {
    probe.programs += 1;
    link.call(this, program);
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (entry.name === 'first-contentful-paint') probe.fcp = entry.startTime;
  }).observe({ type: 'paint', buffered: true });
}

const hub = new Hub(embeddedTestConfig(), pino({ level: 'silent' }));
await hub.start();
const browser = await launchChromium();
console.log(`/map at ${width}x${height}, ${dpr} device pixels per CSS pixel; ${runs} visits after a warm-up`);
console.log(
  'visit     FCP ms  map drawn ms  frames  programs  GL wait ms  blocking ms  CPU ms: GPU  renderer  other',
);
try {
  for (let visit = 0; visit <= runs; visit++) {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: dpr });
    const page = await context.newPage();
    await page.addInitScript(installMapProbe);
    const before = await chromiumCpuMs();
    // Forced: without a GPU (as on this project's machine) /map draws the SVG map instead.
    await page.goto(`${hub.addresses.dashboard}map?map=webgl`);
    await page.locator('[data-testid="site-map"][data-ready="true"] canvas').waitFor({ timeout: 60_000 });
    const drawn = await page.evaluate(() => performance.now());
    // MapLibre's last frames and the tasks after 'load' belong to the map's cost too.
    await page.waitForTimeout(3000);
    const after = await chromiumCpuMs();
    const probe = await page.evaluate(() => (window as unknown as { bisaMap: MapProbe }).bisaMap);
    await context.close();
    const blocking = probe.longTasks
      .filter(([start]) => start >= probe.fcp)
      .reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0);
    const cells = [
      visit === 0 ? 'warm-up' : String(visit),
      probe.fcp.toFixed(0).padStart(8),
      drawn.toFixed(0).padStart(14),
      String(probe.frames).padStart(8),
      String(probe.programs).padStart(10),
      probe.glWaitMs.toFixed(0).padStart(12),
      blocking.toFixed(0).padStart(13),
      String(after.gpu - before.gpu).padStart(13),
      String(after.renderer - before.renderer).padStart(10),
      String(after.other - before.other).padStart(7),
    ];
    console.log(cells[0]?.padEnd(8) + cells.slice(1).join(''));
  }
} finally {
  await browser.close();
  await hub.stop();
}
