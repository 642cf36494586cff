#!/usr/bin/env node
// What the blocking time of the Lighthouse runs of `dashboard-budgets.ts` was made of, from the
// traces it keeps beside its reports. With its default (simulated) throttling Lighthouse records
// the page unthrottled and multiplies each main-thread task's wall time by 4 (by 2 when the task
// laid out), so every task over 12.5 ms here can count as blocking time after the first paint.
// Prints, per report, the page's tasks over that from its navigation on: wall and CPU time (a
// task with far less CPU than wall time waited: for a core, or on another process), what they
// contained, and the script the page transferred.
// Usage: node bench/lighthouse-tasks.ts --help
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type AttributedTask, attribute, type TraceEvent } from './trace-attribution.ts';

const USAGE = `Usage: node bench/lighthouse-tasks.ts [options] REPORTS_FOLDER

  --over MS        tasks longer than this in the trace are listed (default 12.5: 50 ms after
                   Lighthouse's 4x CPU slowdown)
  --form-factor F  mobile (default), desktop or all

REPORTS_FOLDER is the folder node bench/dashboard-budgets.ts prints ("reports in ..."): its
<view>-<form factor>.json reports and the .trace.json traces beside them.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    over: { type: 'string', default: '12.5' },
    'form-factor': { type: 'string', default: 'mobile' },
    help: { type: 'boolean', default: false },
  },
});
const folder = positionals[0];
if (values.help || !folder) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const over = Number(values.over);
const formFactor = values['form-factor'];

interface Report {
  audits: Record<string, { numericValue?: number; details?: { items?: NetworkRequest[] } }>;
}
interface NetworkRequest {
  resourceType?: string;
  transferSize?: number;
}

const files = (await readdir(folder)).filter(
  (f) => f.endsWith('.trace.json') && (formFactor === 'all' || f.includes(`-${formFactor}.`)),
);
for (const file of files.toSorted()) {
  const name = file.replace(/\.trace\.json$/, '');
  const report = JSON.parse(await readFile(path.join(folder, `${name}.json`), 'utf8')) as Report;
  const trace = JSON.parse(await readFile(path.join(folder, file), 'utf8')) as { traceEvents: TraceEvent[] };
  const events = trace.traceEvents;
  const metric = (id: string) => Math.round(report.audits[id]?.numericValue ?? Number.NaN);
  const scriptKB =
    (report.audits['network-requests']?.details?.items ?? [])
      .filter((r) => r.resourceType === 'Script')
      .reduce((sum, r) => sum + (r.transferSize ?? 0), 0) / 1024;

  // Times from the page's navigation: the trace also holds Lighthouse's about:blank before it.
  const origin = Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));
  const navigation = events.find(
    (e) =>
      e.name === 'navigationStart' &&
      (e.args?.data as { documentLoaderURL?: string } | undefined)?.documentLoaderURL?.startsWith('http'),
  );
  const navigationAt = navigation ? (navigation.ts - origin) / 1000 : 0;
  // The page's renderer: Chromium's own pages (headless too has some) run in renderers of their own.
  const { tasksOver } = attribute(events, over, navigation?.pid);
  const tasks = tasksOver.filter((t) => t.atMs >= navigationAt).toSorted((a, b) => a.atMs - b.atMs);
  const sum = (pick: (t: AttributedTask) => number) => tasks.reduce((s, t) => s + pick(t), 0);

  console.log(
    `\n${name}: TBT ${metric('total-blocking-time')} ms, FCP ${metric('first-contentful-paint')} ms (simulated); script transferred ${scriptKB.toFixed(1)} kB`,
  );
  console.log(
    `  ${tasks.length} tasks over ${over} ms in the trace: ${sum((t) => t.ms).toFixed(0)} ms wall, ${sum((t) => t.cpuMs).toFixed(0)} ms CPU`,
  );
  for (const task of tasks) {
    const parts = task.parts
      .slice(0, 4)
      .map((p) => `${p.name} ${p.ms.toFixed(1)}`)
      .join(', ');
    console.log(
      `  at ${(task.atMs - navigationAt).toFixed(0).padStart(5)} ms  ${task.ms.toFixed(1).padStart(6)} ms wall  ${task.cpuMs.toFixed(1).padStart(5)} ms CPU  ${parts}${task.scripts.length ? ` | ${task.scripts.join('; ')}` : ''}`,
    );
  }
}
