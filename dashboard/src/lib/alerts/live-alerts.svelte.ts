import type { Client } from '@urql/core';
import { subscriptionStore } from '@urql/svelte';
import { untrack } from 'svelte';
import { applyAlertChanges, compareAlerts, highestLevel } from '#lib/alerts/open-alerts.ts';
import { type AlertChangedData, AlertChangedSubscription, type LiveAlert } from '#lib/graphql/alerts.ts';
import { defaultRetryDelay } from '#lib/live-feed.svelte.ts';
import { type FrameScheduler, nextFrame } from '#lib/live-readings.svelte.ts';
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

type Timer = ReturnType<typeof setTimeout>;

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
  readonly #client: Client;
  readonly #fetch: typeof fetch;
  readonly #retryDelay: (attempt: number) => number;
  #running = false;
  #stop: (() => void) | undefined;
  #retry: Timer | undefined;
  #attempt = 0;

  constructor(client: Client, options: LiveAlertsOptions = {}) {
    this.#client = client;
    this.open = new OpenAlerts(options.schedule);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#retryDelay = options.retryDelay ?? defaultRetryDelay;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#open();
  }

  /**
   * A fresh stream at once, e.g. after a sign-in: the gateway decides what a stream may show
   * (who acknowledged) when it opens, so a stream opened anonymously would stay anonymous.
   */
  restart(): void {
    if (!this.#running) return;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#attempt = 0;
    this.#open();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#stop?.();
    this.#stop = undefined;
  }

  /** The stream (re)opened: the open alerts come again, first of all. */
  readonly #watchingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await this.#fetch(input, init);
    if (response.ok && /text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
      this.#attempt = 0;
      this.open.startOver();
    }
    return response;
  };

  #open(): void {
    this.#stop?.();
    const store = subscriptionStore({
      client: this.#client,
      query: AlertChangedSubscription,
      context: { fetch: this.#watchingFetch },
    });
    // The store repeats the last event's data and error with every state change; each is handled once.
    let seenData: AlertChangedData | undefined;
    let seenError: unknown;
    this.#stop = store.subscribe((state) => {
      if (state.data && state.data !== seenData) {
        seenData = state.data;
        this.open.push(state.data.alertChanged);
      }
      if (state.error && state.error !== seenError) {
        seenError = state.error;
        console.warn('live alerts:', state.error.message);
      }
      if (!state.fetching) this.#closed();
    });
  }

  /** The stream ended or failed: a fresh subscription after a backoff. */
  #closed(): void {
    if (!this.#running || this.#retry) return;
    this.#retry = setTimeout(
      () => {
        this.#retry = undefined;
        if (this.#running) this.#open();
      },
      this.#retryDelay(this.#attempt++),
    );
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
