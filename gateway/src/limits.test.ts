import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, watchClientGone } from './limits.ts';

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

describe('watchClientGone (a client that leaves stops its execution)', () => {
  it("under node:http, sees the response's close until the execution ends", () => {
    const request = new Request('http://gateway.test/');
    const gone: unknown[] = [];
    const left = new EventEmitter();
    watchClientGone({ res: left, request }, (reason) => gone.push(reason));
    left.emit('close');
    expect(gone).toHaveLength(1);
    expect((gone[0] as Error).name).toBe('AbortError');
    // An execution that ended before its response closed: the close is the response's own.
    const answered = new EventEmitter();
    const stop = watchClientGone({ res: answered, request }, (reason) => gone.push(reason));
    stop();
    answered.emit('close');
    expect(gone).toHaveLength(1);
    expect(answered.listenerCount('close')).toBe(0);
  });

  it("through fetch, sees the request's signal", () => {
    const controller = new AbortController();
    const gone: unknown[] = [];
    const stop = watchClientGone(
      { request: new Request('http://gateway.test/', { signal: controller.signal }) },
      (reason) => gone.push(reason),
    );
    controller.abort(new Error('client left'));
    expect(gone.map((reason) => (reason as Error).message)).toEqual(['client left']);
    stop();
  });

  it('stops watching once the execution has ended', () => {
    const controller = new AbortController();
    const gone: unknown[] = [];
    const stop = watchClientGone(
      { request: new Request('http://gateway.test/', { signal: controller.signal }) },
      (reason) => gone.push(reason),
    );
    stop();
    controller.abort();
    expect(gone).toEqual([]);
  });
});
