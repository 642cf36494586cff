#!/usr/bin/env node
// The dashboard's performance budgets (issue #5) on the embedded hub, in headless Chromium:
//   1. lab load of each main view in a fresh browser context (empty cache): navigation timing,
//      first and largest contentful paint, and the time until the view's data is on screen;
//   2. Lighthouse performance and accessibility scores of the same views (mobile and desktop);
//   3. the wallboard (`/` and `/wall`) while the sample devices publish readings over MQTT at a
//      fixed rate: long tasks, dropped frames, the renderer's main-thread time, the CPU time of
//      each Chromium process and the bytes of the live stream; with --trace, what the long
//      tasks were made of.
// Usage: node bench/dashboard-budgets.ts --help
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '@bisa/hub/browser-testing.ts';
import { Hub, SAMPLE_DEVICES } from '@bisa/hub/hub.ts';
import { connectSampleDevice, embeddedTestConfig } from '@bisa/hub/testing.ts';
import lighthouse, { desktopConfig } from 'lighthouse';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { type ChromiumProcess, chromiumCpuMs } from './chromium-cpu.ts';
import { type Attribution, startTrace } from './trace-attribution.ts';

const USAGE = `Usage: node bench/dashboard-budgets.ts [options]

  --runs N         lab-load runs per view, after one warm-up (default 3)
  --rate N         readings per second published during the wallboard runs (default 1000)
  --batch N        observation times per message in the wallboard runs (default 5; each time
                   carries a value for each of the device's 2 metrics)
  --seconds N      length of each wallboard run under load (default 30), after 10 s idle
  --skip LIST      comma-separated parts to skip: lab, lighthouse, wallboard
  --views LIST     comma-separated views to measure (default all: /, /map, /map?map=webgl, /quick-wins,
                   /quick-wins/<id>, /charts/<id>, /wall)
  --trace          record a DevTools trace of each wallboard run under load and print what its
                   long tasks contained (tracing costs the renderer time of its own: the run's
                   other figures are then not comparable with untraced runs)

Needs the dashboard built (pnpm --filter @bisa/dashboard build) and Chromium at /usr/bin/chromium
(or CHROMIUM_PATH). Prints one table per part with each figure against its budget, and exits 1
when a budget is missed.`;

/** Issue #5's budgets. */
const BUDGET = {
  /** Lab load of a view on the embedded hub, until its data is shown. */
  loadMs: 1000,
  lighthousePerformance: 95,
  lighthouseAccessibility: 95,
  /** No task on the main thread longer than this while the wallboard takes the full rate. */
  longTaskMs: 50,
};

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '30' },
    skip: { type: 'string', default: '' },
    views: { type: 'string', default: '' },
    trace: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
const rate = Number(values.rate);
const batch = Number(values.batch);
const seconds = Number(values.seconds);
const skip = new Set(values.skip.split(',').filter(Boolean));
const only = new Set(values.views.split(',').filter(Boolean));
if (![runs, rate, batch, seconds].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('--runs, --rate, --batch and --seconds must be positive integers');
  process.exit(2);
}

interface View {
  name: string;
  path: string;
  /** Present once the view shows its data, not only its frame. */
  ready: string;
  /** Present once the view has finished building (its map drawn), before it is measured under load. */
  settled?: string;
  /** Added to the address for the run under load. */
  underLoadQuery?: string;
  /** A second moment of a view already scored: timed in the lab, not given to Lighthouse again. */
  timingOnly?: boolean;
}

/** Figures collected inside the page; the init script below fills them in. */
interface PageProbe {
  readyAt: number | undefined;
  lcp: number | undefined;
  recording: boolean;
  longTasks: number[];
  frames: number[];
  mutationBatches: number;
}

// Runs in the page before any of its scripts: records when `ready` first matches (at the frame
// after it, i.e. when it is painted), the largest contentful paint, and while `recording` the
// long tasks, the interval between animation frames and the DOM mutation batches.
function installProbe(ready: string): void {
  const probe: PageProbe = {
    readyAt: undefined,
    lcp: undefined,
    recording: false,
    longTasks: [],
    frames: [],
    mutationBatches: 0,
  };
  (window as unknown as { bisaProbe: PageProbe }).bisaProbe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    if (probe.recording) for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: false });
  let last: number | undefined;
  const frame = (time: number) => {
    if (probe.recording && last !== undefined) probe.frames.push(time - last);
    last = time;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  new MutationObserver(() => {
    if (probe.recording) probe.mutationBatches += 1;
    if (probe.readyAt === undefined && document.querySelector(ready)) {
      requestAnimationFrame(() => {
        probe.readyAt ??= performance.now();
      });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

const readProbe = (page: Page) =>
  page.evaluate(() => (window as unknown as { bisaProbe: PageProbe }).bisaProbe);

const median = (list: number[]) => {
  const sorted = list.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : `${Math.round(n)}`);
const verdict = (met: boolean) => (met ? 'ok' : 'MISSED');
let missed = 0;
const judge = (met: boolean) => {
  if (!met) missed += 1;
  return verdict(met);
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Readings with distinct times per device: the same time twice would be one reading, not two. */
class SampleFleet {
  readonly #clients: MqttClient[];
  readonly #lastTime = new Map<string, number>();

  private constructor(clients: MqttClient[]) {
    this.#clients = clients;
  }

  static async connect(mqttUrl: string): Promise<SampleFleet> {
    return new SampleFleet(await Promise.all(SAMPLE_DEVICES.map((d) => connectSampleDevice(mqttUrl, d.id))));
  }

  /** One message from device `index` with a value for each of its metrics at `times`. */
  publish(index: number, times: number[] = [Date.now()]): Promise<unknown> {
    const device = SAMPLE_DEVICES[index % SAMPLE_DEVICES.length];
    const client = this.#clients[index % this.#clients.length];
    if (!device || !client) throw new Error('no sample device');
    const records = times.map((wanted) => {
      // Distinct and increasing per device, even when several messages fall in one millisecond.
      const time = Math.max(wanted, (this.#lastTime.get(device.id) ?? 0) + 1);
      this.#lastTime.set(device.id, time);
      return {
        time: new Date(time).toISOString(),
        values: Object.fromEntries(device.metrics.map((m) => [m, calmValue(m)])),
      };
    });
    return client.publishAsync(`bisa/v1/${device.id}/readings`, JSON.stringify(records), { qos: 1 });
  }

  get devices(): number {
    return this.#clients.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.endAsync()));
  }
}

/** Values inside every sample alert rule's normal band: the runs measure readings, not alert storms. */
function calmValue(metric: string): number {
  const base = metric === 'water_level' ? 1.1 : metric === 'uptime' ? 99.5 : 10;
  return Math.round((base + Math.random() * 0.1) * 100) / 100;
}

const hub = new Hub(embeddedTestConfig(), pino({ level: 'silent' }));
await hub.start();
const fleet = await SampleFleet.connect(hub.addresses.mqtt);
// An hour of history every five minutes for each device, so charts and tiles have data.
const now = Date.now();
const history = Array.from({ length: 13 }, (_, i) => now - (12 - i) * 5 * 60_000);
await Promise.all(SAMPLE_DEVICES.map((_, i) => fleet.publish(i, history)));

const browser = await launchChromium();
const base = hub.addresses.dashboard;

try {
  const views = (await discoverViews(browser)).filter(
    (v) => only.size === 0 || only.has(v.name.split(' ')[0] ?? ''),
  );
  if (!skip.has('lab')) await labLoad(browser, views);
  if (!skip.has('lighthouse')) await lighthouseScores(views);
  if (!skip.has('wallboard')) {
    for (const view of views.filter((v) => v.name === '/' || v.name === '/wall'))
      await wallboardUnderLoad(browser, view);
  }
} finally {
  await browser.close();
  await fleet.close();
  await hub.stop();
}
process.exit(missed > 0 ? 1 : 0);

/** The main views; a quick win's and a chart's address come from the links the dashboard shows. */
async function discoverViews(browser: Browser): Promise<View[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}quick-wins`);
  const quickWin = await page
    .locator('[data-testid="quick-win-link-flood-early-warning"]')
    .getAttribute('href');
  await page.goto(base);
  const chart = await page
    .locator('[data-testid="tile-masamba-river-01-water_level"] a')
    .getAttribute('href');
  await context.close();
  if (!quickWin || !chart) throw new Error('the dashboard shows no quick-win or chart link');
  return [
    { name: '/', path: '', ready: '[data-testid="tile-masamba-river-01-water_level"] time' },
    { name: '/map', path: 'map', ready: '[data-testid="site-masamba-bridge"]:not([data-status="no-data"])' },
    {
      name: '/map (map drawn)',
      path: 'map',
      ready: '[data-testid="site-map"][data-ready="true"]',
      timingOnly: true,
    },
    // Forced: on a machine without a GPU (as here) /map draws the SVG map, not MapLibre's.
    {
      name: '/map?map=webgl',
      path: 'map?map=webgl',
      ready: '[data-testid="site-masamba-bridge"]:not([data-status="no-data"])',
    },
    {
      name: '/map?map=webgl (WebGL map drawn)',
      path: 'map?map=webgl',
      ready: '[data-testid="site-map"][data-ready="true"] canvas',
      timingOnly: true,
    },
    { name: '/quick-wins', path: 'quick-wins', ready: '[data-testid="regency-components"] tbody tr' },
    { name: '/quick-wins/<id>', path: quickWin.slice(1), ready: '[data-testid="kpi-table"] tbody tr' },
    {
      name: '/charts/<id>',
      path: chart.slice(1),
      ready: '[data-testid="time-series-chart"]:not([data-points="0"])',
    },
    {
      name: '/wall',
      path: 'wall',
      ready: '[data-testid="kiosk-last-data"] time',
      settled: '[data-testid="site-map"][data-ready="true"]',
      // Panels rotate every 5 s, so the run under load shows each of them, the map included.
      underLoadQuery: '?rotate=5',
    },
  ];
}

/** One visit in a fresh context (empty cache, as a first visit), at a desktop size. */
async function visit(browser: Browser, view: View) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let subscriptions = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && /^\s*subscription/.test(request.postDataJSON()?.query ?? ''))
      subscriptions += 1;
  });
  await page.addInitScript(installProbe, view.ready);
  await page.goto(`${base}${view.path}`);
  await page.waitForFunction(
    () => (window as unknown as { bisaProbe: PageProbe }).bisaProbe.readyAt !== undefined,
    null,
    {
      timeout: 30_000,
    },
  );
  // LCP is final at the first input or when the page settles; a second after the data is enough here.
  await page.waitForTimeout(1000);
  const figures = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0] as
      | PerformanceNavigationTiming
      | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    const probe = (window as unknown as { bisaProbe: PageProbe }).bisaProbe;
    return {
      domContentLoaded: navigation?.domContentLoadedEventEnd,
      load: navigation?.loadEventEnd,
      fcp,
      lcp: probe.lcp,
      data: probe.readyAt,
    };
  });
  await context.close();
  return { ...figures, subscriptions };
}

async function labLoad(browser: Browser, views: View[]): Promise<void> {
  console.log(`\nLab load, fresh context each run, 1280x900, median of ${runs} runs after one warm-up (ms)`);
  console.log(
    'view                      DOMContentLoaded  load   FCP    LCP    data shown  subscriptions  budget (data <= 1000 ms)',
  );
  for (const view of views) {
    await visit(browser, view);
    const results: Awaited<ReturnType<typeof visit>>[] = [];
    for (let i = 0; i < runs; i++) results.push(await visit(browser, view));
    const pick = (key: 'domContentLoaded' | 'load' | 'fcp' | 'lcp' | 'data') =>
      median(results.map((r) => r[key] ?? Number.NaN));
    const data = pick('data');
    const each = results.map((r) => ms(r.data)).join(', ');
    console.log(
      `${view.name.padEnd(26)}${ms(pick('domContentLoaded')).padStart(16)}${ms(pick('load')).padStart(6)}${ms(pick('fcp')).padStart(7)}${ms(pick('lcp')).padStart(7)}${ms(data).padStart(12)}${String(results[0]?.subscriptions).padStart(15)}  ${judge(data <= BUDGET.loadMs)} (runs ${each})`,
    );
  }
}

/**
 * Each Lighthouse run gets a Chromium of its own, launched the same way as for the tests, as the
 * Lighthouse CLI does; its JSON report is kept in `reports` for the details behind a score.
 */
async function lighthouseScores(views: View[]): Promise<void> {
  const reports = await mkdtemp(path.join(tmpdir(), 'bisa-lighthouse-'));
  console.log(
    '\nLighthouse 13 (mobile: its default simulated slow 4G and 4x CPU slowdown; desktop: its desktop preset)',
  );
  console.log(
    `reports in ${reports} (each with its trace; node bench/lighthouse-tasks.ts lists its long tasks)`,
  );
  console.log(
    'view                      form factor  performance  accessibility  FCP    LCP    TBT     CLS    SI     budget (>= 95, >= 95)',
  );
  for (const view of views.filter((v) => !v.timingOnly)) {
    for (const formFactor of ['mobile', 'desktop'] as const) {
      const port = await freePort();
      const chromium = await launchChromium([`--remote-debugging-port=${port}`]);
      const result = await lighthouse(
        `${base}${view.path}`,
        { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] },
        formFactor === 'desktop' ? desktopConfig : undefined,
      )
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
        .finally(() => chromium.close());
      const lhr = result instanceof Error ? undefined : result?.lhr;
      if (!lhr) {
        const reason = result instanceof Error ? result.message : 'no result';
        console.log(
          `${view.name.padEnd(26)}${formFactor.padEnd(13)}Lighthouse failed: ${reason}   ${judge(false)}`,
        );
        continue;
      }
      const file = `${view.name.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '') || 'wallboard'}-${formFactor}.json`;
      await writeFile(path.join(reports, file), JSON.stringify(lhr, null, 1));
      if (!(result instanceof Error) && result?.artifacts.Trace)
        await writeFile(
          path.join(reports, file.replace(/\.json$/, '.trace.json')),
          JSON.stringify(result.artifacts.Trace),
        );
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      const audit = (id: string) => lhr.audits[id]?.numericValue;
      const performance = score('performance');
      const accessibility = score('accessibility');
      const failing = (lhr.categories.accessibility?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
        .map((ref) => ref.id);
      console.log(
        `${view.name.padEnd(26)}${formFactor.padEnd(13)}${String(performance).padStart(11)}${String(accessibility).padStart(15)}${ms(audit('first-contentful-paint')).padStart(7)}${ms(audit('largest-contentful-paint')).padStart(7)}${ms(audit('total-blocking-time')).padStart(6)}${(audit('cumulative-layout-shift')?.toFixed(3) ?? '-').padStart(8)}${ms(audit('speed-index')).padStart(7)}   ${judge(performance >= BUDGET.lighthousePerformance && accessibility >= BUDGET.lighthouseAccessibility)}${failing.length ? ` (failed accessibility audits: ${failing.join(', ')})` : ''}`,
      );
    }
  }
}

interface Measurement {
  label: string;
  seconds: number;
  sent: number;
  failed: number;
  committedPerSecond: number;
  hubCpu: number;
  /** CPU ms per second of the Chromium processes by type. */
  chromiumCpu: Record<ChromiumProcess, number>;
  /** Kilobytes per second the page received on its live stream. */
  streamKBps: number;
  probe: PageProbe;
  renderer: Record<string, number>;
  attribution: Attribution | undefined;
}

/**
 * The view open at a wallboard's size, first idle for 10 s, then while the sample devices publish
 * `rate` readings/s: messages of `batch` times with a value for each of the device's metrics,
 * round-robin over the devices, QoS 1 with up to 200 messages awaiting their acknowledgement.
 */
async function wallboardUnderLoad(browser: Browser, view: View): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.addInitScript(installProbe, view.ready);
  const cdp = await context.newCDPSession(page);
  // The bytes of the page's live stream (the one response that is an event stream), watched
  // from before the page opens it.
  await cdp.send('Network.enable');
  const streams = new Set<string>();
  let streamBytes = 0;
  cdp.on('Network.responseReceived', (event) => {
    if (/text\/event-stream/.test(event.response.mimeType)) streams.add(event.requestId);
  });
  cdp.on('Network.dataReceived', (event) => {
    if (streams.has(event.requestId)) streamBytes += event.dataLength;
  });
  await page.goto(`${base}${view.path}${view.underLoadQuery ?? ''}`);
  await page.waitForFunction(
    () => (window as unknown as { bisaProbe: PageProbe }).bisaProbe.readyAt !== undefined,
  );
  if (view.settled) await page.locator(view.settled).waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForTimeout(2000);
  await cdp.send('Performance.enable');
  const rendererMetrics = async () =>
    Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map((m: { name: string; value: number }) => [
        m.name,
        m.value,
      ]),
    );
  let committed = 0;
  const stopListening = await hub.database.sql.listen('bisa_readings_committed', (payload) => {
    committed += (JSON.parse(payload) as unknown[]).length;
  });

  const measure = async (
    label: string,
    length: number,
    readingsPerSecond: number,
    traced = false,
  ): Promise<Measurement> => {
    const readingsPerMessage =
      (batch * SAMPLE_DEVICES.reduce((sum, d) => sum + d.metrics.length, 0)) / SAMPLE_DEVICES.length;
    const messagesPerSecond = readingsPerSecond / readingsPerMessage;
    let sent = 0;
    let inFlight = 0;
    let failed = 0;
    await page.evaluate(() => {
      const probe = (window as unknown as { bisaProbe: PageProbe }).bisaProbe;
      probe.longTasks = [];
      probe.frames = [];
      probe.mutationBatches = 0;
      probe.recording = true;
    });
    const traceFile = path.join(
      tmpdir(),
      `bisa-wallboard-${view.name.replace(/\W+/g, '') || 'home'}-${Date.now()}.json`,
    );
    const endTrace = traced ? await startTrace(cdp, traceFile) : undefined;
    const before = await rendererMetrics();
    const committedBefore = committed;
    const cpuBefore = process.cpuUsage();
    const chromiumBefore = await chromiumCpuMs();
    const streamBytesBefore = streamBytes;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        if (elapsed >= length) {
          clearInterval(timer);
          resolve();
          return;
        }
        const due = Math.floor(elapsed * messagesPerSecond);
        while (sent < due && inFlight < 200) {
          const index = sent++;
          inFlight += 1;
          const now = Date.now();
          // The times of one message 1 ms apart, as a device sampling fast would send them.
          fleet
            .publish(
              index,
              Array.from({ length: batch }, (_, i) => now - batch + 1 + i),
            )
            .then(
              () => {
                inFlight -= 1;
              },
              () => {
                inFlight -= 1;
                failed += 1;
              },
            );
        }
      }, 5);
    });
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const chromiumAfter = await chromiumCpuMs();
    const streamKBps = (streamBytes - streamBytesBefore) / 1000 / elapsed;
    const probe = await readProbe(page);
    await page.evaluate(() => {
      (window as unknown as { bisaProbe: PageProbe }).bisaProbe.recording = false;
    });
    const after = await rendererMetrics();
    const attribution = await endTrace?.(BUDGET.longTaskMs);
    if (attribution) console.log(`trace of ${view.name} under load in ${traceFile}`);
    const renderer = Object.fromEntries(
      Object.keys(after).map((key) => [key, (((after[key] ?? 0) - (before[key] ?? 0)) * 1000) / elapsed]),
    );
    return {
      label,
      seconds: elapsed,
      sent,
      failed,
      committedPerSecond: (committed - committedBefore) / elapsed,
      hubCpu: (cpu.user + cpu.system) / 1000 / elapsed / 10,
      chromiumCpu: {
        renderer: (chromiumAfter.renderer - chromiumBefore.renderer) / elapsed,
        gpu: (chromiumAfter.gpu - chromiumBefore.gpu) / elapsed,
        other: (chromiumAfter.other - chromiumBefore.other) / elapsed,
      },
      streamKBps,
      probe,
      renderer,
      attribution,
    };
  };

  const windows = [await measure('idle', 10, 0), await measure(`${rate}/s`, seconds, rate, values.trace)];
  await stopListening();
  await context.close();

  console.log(
    `\nWallboard ${view.name} at 1920x1080, ${fleet.devices} sample devices, QoS 1, ${batch} times x 2 metrics per message`,
  );
  console.log(
    'window      s   messages  committed/s  hub CPU %  stream kB/s  long tasks  longest ms  frames/s  dropped  longest gap ms  DOM batches/s  renderer ms/s (task, script, style, layout)  Chromium CPU ms/s (renderer, GPU, other)  budget (no long task > 50 ms)',
  );
  const frameMs = 1000 / 60;
  for (const w of windows) {
    const dropped = w.probe.frames.reduce(
      (sum, delta) => sum + Math.max(0, Math.round(delta / frameMs) - 1),
      0,
    );
    const longest = Math.max(0, ...w.probe.longTasks);
    const r = (key: string) => ms(w.renderer[key]);
    console.log(
      `${w.label.padEnd(9)}${w.seconds.toFixed(0).padStart(4)}${`${w.sent}${w.failed ? ` (${w.failed} failed)` : ''}`.padStart(11)}${w.committedPerSecond.toFixed(0).padStart(13)}${w.hubCpu.toFixed(0).padStart(11)}${w.streamKBps.toFixed(1).padStart(13)}${String(w.probe.longTasks.length).padStart(12)}${ms(longest).padStart(12)}${(w.probe.frames.length / w.seconds).toFixed(1).padStart(10)}${String(dropped).padStart(9)}${ms(Math.max(0, ...w.probe.frames)).padStart(16)}${(w.probe.mutationBatches / w.seconds).toFixed(1).padStart(15)}  ${`${r('TaskDuration')}, ${r('ScriptDuration')}, ${r('RecalcStyleDuration')}, ${r('LayoutDuration')}`.padEnd(44)}  ${`${ms(w.chromiumCpu.renderer)}, ${ms(w.chromiumCpu.gpu)}, ${ms(w.chromiumCpu.other)}`.padEnd(41)}  ${w.label === 'idle' ? '' : judge(longest <= BUDGET.longTaskMs)}`,
    );
  }
  for (const w of windows) if (w.attribution) printAttribution(w.label, w.seconds, w.attribution);
}

/** The traced window's main-thread time by event, and its longest tasks with what they contained. */
function printAttribution(label: string, seconds: number, attribution: Attribution): void {
  const parts = (list: { name: string; ms: number }[], count: number, scale = 1) =>
    list
      .slice(0, count)
      .map((p) => `${p.name} ${ms(p.ms / scale)}`)
      .join(', ');
  console.log(
    `Trace of the ${label} window: renderer main thread in tasks ${ms(attribution.windowMs / seconds)} ms/s, on CPU ${ms(attribution.windowCpuMs / seconds)} ms/s; CPU by event (self ms/s): ${parts(attribution.window, 10, seconds)}`,
  );
  const shown = attribution.tasksOver.slice(0, 5);
  console.log(
    `${attribution.tasksOver.length} traced tasks over ${BUDGET.longTaskMs} ms${shown.length ? `; the longest ${shown.length}:` : ''}`,
  );
  for (const task of shown)
    console.log(
      `  ${ms(task.ms)} ms at ${(task.atMs / 1000).toFixed(1)} s, ${ms(task.cpuMs)} ms of it on CPU: ${parts(task.parts, 6)}${task.scripts.length ? `; scripts: ${task.scripts.join('; ')}` : ''}`,
    );
}
