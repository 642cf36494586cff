// CPU time of the Chromium processes a bench started, by process type, from /proc.
import { readdir, readFile } from 'node:fs/promises';

export type ChromiumProcess = 'renderer' | 'gpu' | 'other';

/**
 * CPU time so far (ms) of the Chromium processes this script started, by process type, from
 * /proc: unlike the page's own figures it does not grow when the machine is busy. The GPU
 * process is where SwiftShader draws the frames; "other" is the browser and utility processes.
 */
export async function chromiumCpuMs(): Promise<Record<ChromiumProcess, number>> {
  const TICKS_PER_MS = 100 / 1000; // USER_HZ, 100 on Linux
  const processes: { pid: number; parent: number; ticks: number; type: ChromiumProcess }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const read = await Promise.all([
      readFile(`/proc/${entry}/stat`, 'utf8'),
      readFile(`/proc/${entry}/cmdline`, 'utf8'),
    ]).catch(() => undefined);
    if (!read) continue;
    // The command name (field 2) may hold spaces and parentheses: the fields after it are split.
    const fields = read[0].slice(read[0].lastIndexOf(')') + 2).split(' ');
    const type = read[1].match(/--type=([\w-]+)/)?.[1];
    processes.push({
      pid: Number(entry),
      parent: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      type: type === 'renderer' ? 'renderer' : type === 'gpu-process' ? 'gpu' : 'other',
    });
  }
  const mine = new Set([process.pid]);
  // Parents come before their children in most listings, not all: repeat until nothing joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of processes)
      if (!mine.has(p.pid) && mine.has(p.parent)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  const total: Record<ChromiumProcess, number> = { renderer: 0, gpu: 0, other: 0 };
  for (const p of processes)
    if (p.pid !== process.pid && mine.has(p.pid)) total[p.type] += p.ticks / TICKS_PER_MS;
  return total;
}
