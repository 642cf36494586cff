import type { Reading } from '#lib/graphql/queries.ts';

export interface LatestReading {
  value: number;
  time: Date;
}

/** Runs `flush` once, soon: before the next paint in a browser; tests pass a manual one. */
export type FrameScheduler = (flush: () => void) => void;

export const nextFrame: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? (flush) => requestAnimationFrame(() => flush())
    : (flush) => setTimeout(flush, 16);

/**
 * How often live readings reach the screen at most. Nobody reads a figure that changes more
 * than a few times a second, and every update restyles the changed tiles and replays their
 * highlight: at 1,000 readings/s a flush per frame would be up to 60 DOM updates a second.
 */
export const LIVE_UPDATE_INTERVAL_MS = 250;

/**
 * `frame`, but at most once every `intervalMs`: the first flush after a quiet spell comes at the
 * next frame, a flush asked for sooner waits for the rest of the interval.
 */
export function atMostEvery(intervalMs: number, frame: FrameScheduler = nextFrame): FrameScheduler {
  let last = Number.NEGATIVE_INFINITY;
  return (flush) => {
    const run = () =>
      frame(() => {
        last = Date.now();
        flush();
      });
    const wait = last + intervalMs - Date.now();
    if (wait > 0) setTimeout(run, wait);
    else run();
  };
}

/**
 * The newest reading of every datastream on screen, keyed by datastream id.
 *
 * Readings arrive in bursts (a commit batch, a reconnect catch-up, several devices at once).
 * They wait in a plain buffer that keeps only the newest per datastream and reach the
 * reactive state at most once per frame and once per LIVE_UPDATE_INTERVAL_MS, so a burst costs
 * one DOM update instead of one per reading. While a tab is hidden, browsers pause animation
 * frames: the buffer then holds at most one reading per datastream, and the screen catches up
 * in one update when shown.
 *
 * Newer means a later observation time, not a later arrival: a late, older reading (a device
 * flushing its backlog, or the initial query answering after the first live event) must never
 * replace a fresher value.
 */
export class LiveReadings {
  #latest = $state<Record<string, LatestReading>>({});
  #newestTime = $state<Date | undefined>(undefined);
  readonly #pending = new Map<string, LatestReading>();
  readonly #schedule: FrameScheduler;
  #scheduled = false;

  constructor(schedule: FrameScheduler = atMostEvery(LIVE_UPDATE_INTERVAL_MS)) {
    this.#schedule = schedule;
  }

  /** The latest reading of a datastream, or undefined when none has been seen. */
  get(datastreamId: string): LatestReading | undefined {
    return this.#latest[datastreamId];
  }

  /** Observation time of the newest reading on screen, across all datastreams. */
  get newestTime(): Date | undefined {
    return this.#newestTime;
  }

  /** Buffers readings for the next frame. Readings with an unreadable time are ignored. */
  push(readings: Iterable<Reading>): void {
    for (const reading of readings) {
      const time = Date.parse(reading.time);
      if (Number.isNaN(time)) continue;
      const buffered = this.#pending.get(reading.datastreamId);
      // On equal times the later arrival wins: it is the hub's correction of the same observation.
      if (buffered && buffered.time.getTime() > time) continue;
      this.#pending.set(reading.datastreamId, { value: reading.value, time: new Date(time) });
    }
    if (this.#pending.size > 0 && !this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.flush());
    }
  }

  /** Applies the buffered readings now; also called directly when waiting a frame would show a half-filled screen. */
  flush(): void {
    this.#scheduled = false;
    let newest = this.#newestTime;
    for (const [datastreamId, reading] of this.#pending) {
      const current = this.#latest[datastreamId];
      if (current && current.time.getTime() > reading.time.getTime()) continue;
      this.#latest[datastreamId] = reading;
      if (!newest || reading.time.getTime() > newest.getTime()) newest = reading.time;
    }
    this.#pending.clear();
    if (newest !== this.#newestTime) this.#newestTime = newest;
  }
}
