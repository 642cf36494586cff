import type { Client } from '@urql/core';
import { untrack } from 'svelte';
import type { OpenAlerts } from '#lib/alerts/live-alerts.svelte.ts';
import {
  type LiveEventsData,
  LiveEventsSubscription,
  type LiveEventsVariables,
  type ReadingsWanted,
} from '#lib/graphql/live-events.ts';
import type { Reading } from '#lib/graphql/queries.ts';
import type { LiveReadings } from '#lib/live-readings.svelte.ts';
import { defaultRetryDelay, LiveSubscription } from '#lib/live-subscription.ts';
import { credentialsChanged } from '#lib/session/session.svelte.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveFeedOptions<Data> {
  client: Client;
  /** Loads the view's data with each datastream's latest reading; an Error when it failed. */
  load: (client: Client) => Promise<Data | Error>;
  /** The latest readings inside the loaded data, to start the live state from. */
  latest: (data: Data) => Iterable<Reading>;
  readings: LiveReadings;
  /** The readings the view follows; defaults to every committed reading of every datastream. */
  readingsOf?: ReadingsWanted;
  /** The view's open alerts, when it shows them: fed from the same stream. */
  alerts?: OpenAlerts;
  /**
   * Loads the data again whenever a progress report is approved (of this programme, or of any
   * with null): an approval moves a REPORTED KPI's actual value and so every roll-up above it,
   * which only the view's own query computes. Approvals are rare, so loading again is cheaper
   * than keeping every roll-up in the browser.
   */
  reloadOnApprovalOf?: { programmeId: string | null };
  /** Sees every reading of the stream as it arrives, before the per-frame coalescing of `readings`. */
  onReadings?: (readings: readonly Reading[]) => void;
  /** What the live stream is fetched with; tests pass a fake. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds before retry number `attempt` (0 for the first retry). */
  retryDelay?: (attempt: number) => number;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Feeds a live view: loads its layout with each datastream's latest reading, and keeps the
 * view's one subscription (`liveEvents`: its readings, and its open alerts and report
 * decisions when it asks for them) open, reconnecting with backoff when it drops. After a
 * reconnect the layout loads again: readings committed and reports approved while the stream
 * was down reach the screen only through it; the open alerts come again first of all.
 */
export class LiveFeed<Data> {
  #status = $state<ConnectionStatus>('connecting');
  #data = $state.raw<Data | undefined>(undefined);
  #loadFailed = $state(false);

  readonly #client: Client;
  readonly #loadData: (client: Client) => Promise<Data | Error>;
  readonly #latest: (data: Data) => Iterable<Reading>;
  readonly #readings: LiveReadings;
  readonly #retryDelay: (attempt: number) => number;
  readonly #live: LiveSubscription<LiveEventsData, LiveEventsVariables>;

  /**
   * A view that shows open alerts shows its layout only once the stream has sent them all (or
   * failed): a strip of alerts that grew above a layout already on screen pushed the whole view
   * down (layout shift, docs/benchmarks.md). Only the first time: later the layout stays.
   */
  #waitingForAlerts: boolean;
  #loadedMeanwhile: Data | undefined;

  #running = false;
  #loadRetry: Timer | undefined;
  #loadAttempt = 0;
  #loadGeneration = 0;

  constructor(options: LiveFeedOptions<Data>) {
    this.#client = options.client;
    this.#loadData = options.load;
    this.#latest = options.latest;
    this.#readings = options.readings;
    this.#retryDelay = options.retryDelay ?? defaultRetryDelay;
    const { alerts, onReadings, reloadOnApprovalOf } = options;
    this.#waitingForAlerts = alerts !== undefined;
    const programmeId = reloadOnApprovalOf?.programmeId;
    const parts: LiveEventsVariables = {
      readings: options.readingsOf ?? {},
      alerts: alerts ? {} : null,
      progressReports: reloadOnApprovalOf ? (programmeId ? { programmeId } : {}) : null,
    };
    this.#live = new LiveSubscription({
      client: options.client,
      query: LiveEventsSubscription,
      variables: parts,
      fetch: options.fetch,
      retryDelay: this.#retryDelay,
      onData: ({ liveEvents: event }) => {
        switch (event.__typename) {
          case 'ReadingsCommittedEvent':
            this.#readings.push(event.readings);
            onReadings?.(event.readings);
            break;
          case 'AlertChangedEvent':
            alerts?.push(event.alert);
            break;
          case 'OpenAlertsSentEvent':
            // On screen in the same frame as the layout, not one frame later.
            alerts?.flush();
            this.#stopWaitingForAlerts();
            break;
          case 'ProgressReportChangedEvent':
            if (event.progressReport.status === 'APPROVED') this.reload();
            break;
        }
      },
      onOpen: (reopened) => {
        this.#status = 'live';
        // The stream (re)opened: the open alerts come again, first of all.
        alerts?.startOver();
        if (reopened) void this.#load();
      },
      onClose: () => {
        this.#status = 'reconnecting';
        // No stream, no alerts to wait for: the layout must not wait for a reconnect.
        this.#stopWaitingForAlerts();
      },
    });
  }

  /** State of the live stream, for the connection indicator. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The view's layout, once loaded; kept across failed reloads. */
  get data(): Data | undefined {
    return this.#data;
  }

  /** Whether the last attempt to load the layout failed (a retry is scheduled). */
  get loadFailed(): boolean {
    return this.#loadFailed;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Subscribe before querying, so that no reading committed in between is missed; the
    // overlap is harmless because LiveReadings keeps the newest per datastream.
    this.#live.start();
    void this.#load();
  }

  /** Loads the data again now, e.g. after the view changed what it asks for. */
  reload(): void {
    if (this.#running) void this.#load();
  }

  /**
   * A fresh stream at once, e.g. after a sign-in: the gateway decides what a stream may show
   * when it opens (who acknowledged an alert only to the signed-in).
   */
  restart(): void {
    this.#live.restart();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#loadRetry);
    this.#loadRetry = undefined;
    this.#live.stop();
  }

  async #load(): Promise<void> {
    clearTimeout(this.#loadRetry);
    this.#loadRetry = undefined;
    const generation = ++this.#loadGeneration;
    const result = await this.#loadData(this.#client);
    // A newer load was started meanwhile (reconnect), or the view is gone: this answer is stale.
    if (!this.#running || generation !== this.#loadGeneration) return;
    if (!(result instanceof Error)) {
      // Readings first, layout second: tiles then mount with their value instead of
      // appearing empty for a frame and flashing as if a reading had just arrived.
      this.#readings.push(this.#latest(result));
      this.#readings.flush();
      if (this.#waitingForAlerts) this.#loadedMeanwhile = result;
      else this.#data = result;
      this.#loadFailed = false;
      this.#loadAttempt = 0;
      return;
    }
    console.warn('live view query:', result.message);
    this.#loadFailed = true;
    this.#loadRetry = setTimeout(() => void this.#load(), this.#retryDelay(this.#loadAttempt++));
  }

  #stopWaitingForAlerts(): void {
    if (!this.#waitingForAlerts) return;
    this.#waitingForAlerts = false;
    if (this.#loadedMeanwhile !== undefined) this.#data = this.#loadedMeanwhile;
    this.#loadedMeanwhile = undefined;
  }
}

/**
 * Call while a component initialises: its view's stream reopens whenever whom the gateway sees
 * changes (`Session.identity`: sign-in, sign-out, the wall going back to its kiosk key), not
 * when the session merely becomes known as what the stream already opened with.
 */
export function reopenOnIdentityChange(feed: { restart(): void }, identity: () => string): void {
  let opened = untrack(identity);
  $effect(() => {
    const current = identity();
    const changed = credentialsChanged(opened, current);
    opened = current;
    if (changed) untrack(() => feed.restart());
  });
}
