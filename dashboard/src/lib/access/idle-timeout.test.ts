import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimeout, idleMinutes } from './idle-timeout.ts';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('IdleTimeout', () => {
  it('fires once after the idle time, and each touch starts the count over', () => {
    const onIdle = vi.fn();
    const idle = new IdleTimeout(60_000, onIdle);
    idle.touch();
    vi.advanceTimersByTime(59_000);
    idle.touch();
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledOnce();
    expect(idle.running).toBe(false);
    vi.advanceTimersByTime(120_000);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('never fires once stopped', () => {
    const onIdle = vi.fn();
    const idle = new IdleTimeout(1_000, onIdle);
    idle.touch();
    idle.stop();
    vi.advanceTimersByTime(5_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});

describe('idleMinutes', () => {
  it('takes a sensible ?idle= and falls back to five minutes otherwise', () => {
    expect(idleMinutes('2')).toBe(2);
    expect(idleMinutes('0.5')).toBe(0.5);
    for (const bad of [null, '', 'x', '0', '-1', '1000']) expect(idleMinutes(bad)).toBe(5);
  });
});
