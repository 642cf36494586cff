import { applyAlertChanges, compareAlerts, highestLevel } from '#lib/alerts/open-alerts.ts';
import type { LiveAlert } from '#lib/graphql/alerts.ts';
import { type FrameScheduler, nextFrame } from '#lib/live-readings.svelte.ts';

/**
 * The open alerts on screen. Changes wait in a plain buffer and reach the reactive state at most
 * once per frame, as LiveReadings does with readings: the burst of open alerts a subscription
 * starts with, or a storm of transitions, costs one DOM update.
 */
export class OpenAlerts {
  #byId = $state.raw<ReadonlyMap<string, LiveAlert>>(new Map());
  readonly #pending: LiveAlert[] = [];
  #replace = false;
  readonly #schedule: FrameScheduler;
  #scheduled = false;

  constructor(schedule: FrameScheduler = nextFrame) {
    this.#schedule = schedule;
  }

  /** Highest level first, then the most recently opened. */
  readonly list: LiveAlert[] = $derived.by(() => [...this.#byId.values()].toSorted(compareAlerts));

  /** The highest level open on any of these datastreams (e.g. one site's), if any. */
  highestLevel(datastreamIds: ReadonlySet<string>): string | undefined {
    return highestLevel(this.#byId.values(), datastreamIds);
  }

  push(alert: LiveAlert): void {
    this.#pending.push(alert);
    this.#request();
  }

  /**
   * The stream starts over (a reconnect resends every open alert): what arrives from now on
   * replaces the screen at the next frame, so an alert closed while disconnected goes away.
   */
  startOver(): void {
    this.#pending.length = 0;
    this.#replace = true;
    this.#request();
  }

  flush(): void {
    this.#scheduled = false;
    const base = this.#replace ? new Map<string, LiveAlert>() : this.#byId;
    this.#replace = false;
    this.#byId = applyAlertChanges(base, this.#pending.splice(0));
  }

  #request(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }
}
