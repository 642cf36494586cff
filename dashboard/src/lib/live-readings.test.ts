import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualFrames } from '#lib/testing/manual-frames.ts';
import { atMostEvery, LiveReadings } from './live-readings.svelte.ts';

const at = (iso: string) => new Date(iso).getTime();

describe('LiveReadings', () => {
  it('applies readings on the next frame, not before', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:00.000Z', value: 4.56 }]);
    expect(live.get('1')).toBeUndefined();

    frames.frame();
    expect(live.get('1')?.value).toBe(4.56);
    expect(live.get('1')?.time.getTime()).toBe(at('2026-11-29T01:00:00.000Z'));
  });

  it('coalesces a burst into one frame that keeps the newest reading per datastream', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    live.push([
      { datastreamId: '1', time: '2026-11-29T01:00:00Z', value: 1 },
      { datastreamId: '2', time: '2026-11-29T01:00:00Z', value: 20 },
    ]);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:02Z', value: 3 }]);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:01Z', value: 2 }]);
    expect(frames.pending).toBe(1);

    frames.frame();
    expect(live.get('1')?.value).toBe(3);
    expect(live.get('2')?.value).toBe(20);
  });

  it('never lets an older reading replace a newer one already on screen', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:10Z', value: 10 }]);
    frames.frame();

    // e.g. the initial query answering after the first live event
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:05Z', value: 5 }]);
    frames.frame();
    expect(live.get('1')?.value).toBe(10);

    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:11Z', value: 11 }]);
    frames.frame();
    expect(live.get('1')?.value).toBe(11);
  });

  it('compares observation times, not their spelling', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    live.push([{ datastreamId: '1', time: '2026-11-29T09:00:00+08:00', value: 1 }]);
    live.push([{ datastreamId: '1', time: '2026-11-29T00:30:00Z', value: 2 }]);
    frames.frame();
    // 09:00 WITA is 01:00 UTC, later than 00:30 UTC.
    expect(live.get('1')?.value).toBe(1);
  });

  it('takes the later arrival when two readings share a time', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:00Z', value: 1 }]);
    frames.frame();
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:00Z', value: 1.5 }]);
    frames.frame();
    expect(live.get('1')?.value).toBe(1.5);
  });

  it('schedules a new frame after each flush, and none for nothing', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    live.push([]);
    live.push([{ datastreamId: '1', time: 'not a time', value: 1 }]);
    expect(frames.pending).toBe(0);

    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:00Z', value: 1 }]);
    frames.frame();
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:01Z', value: 2 }]);
    expect(frames.pending).toBe(1);
    frames.frame();
    expect(live.get('1')?.value).toBe(2);
  });

  it('tracks the observation time of the newest reading on screen', () => {
    const frames = manualFrames();
    const live = new LiveReadings(frames.schedule);
    expect(live.newestTime).toBeUndefined();
    live.push([
      { datastreamId: '1', time: '2026-11-29T01:00:05Z', value: 1 },
      { datastreamId: '2', time: '2026-11-29T01:00:09Z', value: 2 },
    ]);
    frames.frame();
    expect(live.newestTime?.getTime()).toBe(at('2026-11-29T01:00:09Z'));

    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:07Z', value: 3 }]);
    frames.frame();
    expect(live.newestTime?.getTime()).toBe(at('2026-11-29T01:00:09Z'));
  });
});

describe('atMostEvery', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('flushes at the next frame after a quiet spell, and a burst once per interval', () => {
    vi.useFakeTimers();
    const frames = manualFrames();
    const live = new LiveReadings(atMostEvery(250, frames.schedule));
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:00Z', value: 1 }]);
    frames.frame();
    expect(live.get('1')?.value).toBe(1);

    // 100 ms later: held back until 250 ms after the last flush, however many arrive meanwhile.
    vi.advanceTimersByTime(100);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:01Z', value: 2 }]);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:02Z', value: 3 }]);
    frames.frame();
    expect(live.get('1')?.value).toBe(1);
    vi.advanceTimersByTime(149);
    frames.frame();
    expect(live.get('1')?.value).toBe(1);
    vi.advanceTimersByTime(1);
    frames.frame();
    expect(live.get('1')?.value).toBe(3);

    // A second later the next reading again waits only for a frame.
    vi.advanceTimersByTime(1000);
    live.push([{ datastreamId: '1', time: '2026-11-29T01:00:03Z', value: 4 }]);
    frames.frame();
    expect(live.get('1')?.value).toBe(4);
  });
});
