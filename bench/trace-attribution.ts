// What a page's long main-thread tasks were made of, from a DevTools trace of the renderer:
// recorded over the DevTools protocol while a window runs, then each task over the budget broken
// down into the trace events it contained (self time per event name, as DevTools' bottom-up
// view). Times inside a task are the main thread's CPU time (the trace's thread clock): on a
// shared machine a task is often long because the thread waited for a core, which its wall time
// alone cannot tell from work.
import { writeFile } from 'node:fs/promises';
import type { CDPSession } from 'playwright-core';

/** The categories DevTools' performance panel records, less the JavaScript sampler's (it adds load of its own). */
const CATEGORIES = [
  '-*',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8.execute',
  'v8',
  'blink.user_timing',
  'loading',
].join(',');

export interface TraceEvent {
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** CPU time of the thread during the event. */
  tdur?: number;
  ph: string;
  name: string;
  args?: { name?: string; data?: { functionName?: string; url?: string; lineNumber?: number } };
}

/** A slice of the main thread: a task, or an event inside one. */
interface Slice {
  name: string;
  start: number;
  end: number;
  /** Microseconds of CPU time; the wall time where the trace has no thread clock. */
  cpu: number;
  detail: string | undefined;
}

export interface TaskPart {
  name: string;
  ms: number;
}

export interface AttributedTask {
  /** Since the trace started. */
  atMs: number;
  ms: number;
  /** The main thread's CPU time in the task; the rest of `ms` it waited (for a core, a lock, the GPU). */
  cpuMs: number;
  /** Self CPU time by event name, longest first. */
  parts: TaskPart[];
  /** The functions and scripts its longest script calls ran, as `name url:line`. */
  scripts: string[];
}

export interface Attribution {
  /** The renderer main thread's CPU time by event name over the whole window, longest first. */
  window: TaskPart[];
  /** Wall and CPU time of all the window's tasks. */
  windowMs: number;
  windowCpuMs: number;
  tasksOver: AttributedTask[];
}

/**
 * Starts a trace of the browser; the returned function ends it, keeps it in `file` (DevTools'
 * performance panel opens it) and attributes the tasks longer than `overMs`.
 */
export async function startTrace(
  cdp: CDPSession,
  file: string,
): Promise<(overMs: number) => Promise<Attribution>> {
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { recordMode: 'recordAsMuchAsPossible', includedCategories: CATEGORIES.split(',') },
  });
  return async (overMs) => {
    const complete = new Promise<string>((resolve, reject) => {
      cdp.once('Tracing.tracingComplete', (event) =>
        event.stream ? resolve(event.stream) : reject(new Error('the trace came without a stream')),
      );
    });
    await cdp.send('Tracing.end');
    const stream = await complete;
    const chunks: string[] = [];
    for (;;) {
      const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
      chunks.push(chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data);
      if (chunk.eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    const text = chunks.join('');
    await writeFile(file, text);
    const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
    return attribute(Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []), overMs);
  };
}

/** Chromium's name for a task on a thread's queue, as DevTools draws it ("Task"). */
const TASK = 'RunTask';
/** The scheduler's own slice around each task: the task itself, not something in it. */
const TASK_WRAPPERS = new Set([TASK, 'ThreadControllerImpl::RunTask']);

/**
 * Attributes the tasks longer than `overMs` of a renderer's main thread: process `pid`'s, or
 * without it the busiest one's.
 */
export function attribute(events: TraceEvent[], overMs: number, pid?: number): Attribution {
  const mainThreads = events
    .filter(
      (e) =>
        e.ph === 'M' &&
        e.name === 'thread_name' &&
        e.args?.name === 'CrRendererMain' &&
        (pid === undefined || e.pid === pid),
    )
    .map((e) => `${e.pid}:${e.tid}`);
  // With one page open the busiest renderer main thread is the page's.
  const byThread = new Map<string, Slice[]>();
  for (const event of events) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph !== 'X' || event.dur === undefined || !mainThreads.includes(thread)) continue;
    const data = event.args?.data;
    const slices = byThread.get(thread) ?? [];
    slices.push({
      name: event.name,
      start: event.ts,
      end: event.ts + event.dur,
      cpu: event.tdur ?? event.dur,
      detail: data?.url || data?.functionName ? describeScript(data) : undefined,
    });
    byThread.set(thread, slices);
  }
  const busy = (slices: Slice[]) =>
    slices.filter((s) => s.name === TASK).reduce((sum, s) => sum + s.end - s.start, 0);
  const slices = [...byThread.values()].toSorted((a, b) => busy(b) - busy(a))[0] ?? [];
  slices.sort((a, b) => a.start - b.start || b.end - a.end);
  const origin = Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));

  const tasks = slices.filter((s) => s.name === TASK);
  const windowSelf = new Map<string, number>();
  const tasksOver: AttributedTask[] = [];
  let cursor = 0;
  for (const task of tasks) {
    // The events inside this task: slices are sorted by start, so they follow it.
    while (cursor < slices.length && (slices[cursor]?.start ?? 0) < task.start) cursor++;
    const inside: Slice[] = [];
    for (let i = cursor; i < slices.length; i++) {
      const slice = slices[i];
      if (!slice || slice.start >= task.end) break;
      if (!TASK_WRAPPERS.has(slice.name) && slice.end <= task.end) inside.push(slice);
    }
    const self = selfTimes(task, inside);
    for (const [name, us] of self) windowSelf.set(name, (windowSelf.get(name) ?? 0) + us);
    const ms = (task.end - task.start) / 1000;
    if (ms <= overMs) continue;
    const scripts = inside
      .filter((s) => s.detail)
      .toSorted((a, b) => b.cpu - a.cpu)
      .slice(0, 3)
      .map((s) => `${s.detail} ${Math.round(s.cpu / 1000)} ms`);
    tasksOver.push({
      atMs: (task.start - origin) / 1000,
      ms,
      cpuMs: task.cpu / 1000,
      parts: toParts(self),
      scripts,
    });
  }
  return {
    window: toParts(windowSelf),
    windowMs: tasks.reduce((sum, t) => sum + t.end - t.start, 0) / 1000,
    windowCpuMs: tasks.reduce((sum, t) => sum + t.cpu, 0) / 1000,
    tasksOver: tasksOver.toSorted((a, b) => b.ms - a.ms),
  };
}

/**
 * Each event's own CPU time, less the events nested in it (nesting by wall-clock position); the
 * task's remainder, work the trace has no event for, as "(task itself)".
 */
function selfTimes(task: Slice, inside: Slice[]): Map<string, number> {
  const self = new Map<string, number>();
  const add = (name: string, us: number) => self.set(name, (self.get(name) ?? 0) + us);
  const stack: { slice: Slice; children: number }[] = [{ slice: task, children: 0 }];
  const close = (until: number) => {
    for (let top = stack.at(-1); top && stack.length > 1 && top.slice.end <= until; top = stack.at(-1)) {
      stack.pop();
      // Clock skew between nested events can make a child end a little after its parent.
      add(top.slice.name, Math.max(0, top.slice.cpu - top.children));
      const parent = stack.at(-1);
      if (parent) parent.children += top.slice.cpu;
    }
  };
  for (const slice of inside) {
    close(slice.start);
    stack.push({ slice, children: 0 });
  }
  close(Number.POSITIVE_INFINITY);
  const root = stack[0];
  if (root) add('(task itself)', Math.max(0, root.slice.cpu - root.children));
  return self;
}

const toParts = (self: Map<string, number>): TaskPart[] =>
  [...self]
    .map(([name, us]) => ({ name, ms: us / 1000 }))
    .filter((p) => p.ms >= 0.05)
    .toSorted((a, b) => b.ms - a.ms);

function describeScript(data: { functionName?: string; url?: string; lineNumber?: number }): string {
  const file = data.url ? (data.url.split('/').at(-1) ?? data.url) : '';
  const where = file ? `${file}${data.lineNumber !== undefined ? `:${data.lineNumber}` : ''}` : '';
  return [data.functionName || '(anonymous)', where].filter(Boolean).join(' ');
}
