import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from './limits.ts';

describe('Deadlines (the execution timeout)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each execution that has not ended once its own time has passed, and no other', () => {
    const deadlines = new Deadlines(100);
    const expired: string[] = [];
    const first = deadlines.add(() => expired.push('first'));
    vi.advanceTimersByTime(30);
    deadlines.add(() => expired.push('second'));
    vi.advanceTimersByTime(30);
    const third = deadlines.add(() => expired.push('third'));
    deadlines.done(first);
    vi.advanceTimersByTime(39);
    expect(expired).toEqual([]);
    // The second started at 30 ms: its time is up at 130 ms, not when the first's would have been.
    vi.advanceTimersByTime(41);
    expect(expired).toEqual(['second']);
    deadlines.done(third);
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual(['second']);
  });

  it('expires an execution that ends out of order behind one still running', () => {
    const deadlines = new Deadlines(50);
    const expired: number[] = [];
    const running = Array.from({ length: 5 }, (_, i) => deadlines.add(() => expired.push(i)));
    // The oldest stays; the others end, except the last.
    for (const deadline of running.slice(1, 4)) deadlines.done(deadline);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual([0, 4]);
  });

  it('holds one timer, whatever the number of executions running', () => {
    const deadlines = new Deadlines(1000);
    const running = Array.from({ length: 100 }, () => deadlines.add(() => {}));
    expect(vi.getTimerCount()).toBe(1);
    for (const deadline of running) deadlines.done(deadline);
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
    deadlines.add(() => {});
    expect(vi.getTimerCount()).toBe(1);
  });
});
