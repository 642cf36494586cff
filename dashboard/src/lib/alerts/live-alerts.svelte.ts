import type { Client } from '@urql/core';
import { untrack } from 'svelte';
import { applyAlertChanges, compareAlerts, highestLevel } from '#lib/alerts/open-alerts.ts';
import { type AlertChangedData, AlertChangedSubscription, type LiveAlert } from '#lib/graphql/alerts.ts';
import { type FrameScheduler, nextFrame } from '#lib/live-readings.svelte.ts';
import { LiveSubscription } from '#lib/live-subscription.ts';
import { credentialsChanged } from '#lib/session/session.svelte.ts';

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

export interface LiveAlertsOptions {
  /** When buffered changes reach the screen; tests pass a manual one. */
  schedule?: FrameScheduler;
  /** What the stream is fetched with; tests pass a fake. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds before retry number `attempt` (0 for the first retry). */
  retryDelay?: (attempt: number) => number;
}

/**
 * One `alertChanged` subscription for a whole view, reconnecting with backoff when it drops.
 * Acknowledging and closing go through mutations (alert-actions.ts); their outcome comes back
 * on this stream like any other transition.
 */
export class LiveAlerts {
  readonly open: OpenAlerts;
  readonly #stream: LiveSubscription<AlertChangedData, Record<string, never>>;

  constructor(client: Client, options: LiveAlertsOptions = {}) {
    this.open = new OpenAlerts(options.schedule);
    this.#stream = new LiveSubscription({
      client,
      query: AlertChangedSubscription,
      variables: {},
      onData: (data) => this.open.push(data.alertChanged),
      // The stream (re)opened: the open alerts come again, first of all.
      onOpen: () => this.open.startOver(),
      fetch: options.fetch,
      retryDelay: options.retryDelay,
    });
  }

  start(): void {
    this.#stream.start();
  }

  /** A fresh stream at once: after a sign-in it may show who acknowledged (see LiveSubscription). */
  restart(): void {
    this.#stream.restart();
  }

  stop(): void {
    this.#stream.stop();
  }
}

/**
 * Call while a component initialises: its view's alert stream reopens whenever whom the gateway
 * sees changes (`Session.identity`: sign-in, sign-out, the wall going back to its kiosk key),
 * not when the session merely becomes known as what the stream already opened with.
 */
export function reopenOnIdentityChange(alerts: LiveAlerts, identity: () => string): void {
  let opened = untrack(identity);
  $effect(() => {
    const current = identity();
    const changed = credentialsChanged(opened, current);
    opened = current;
    if (changed) untrack(() => alerts.restart());
  });
}
