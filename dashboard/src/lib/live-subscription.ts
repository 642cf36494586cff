import type { AnyVariables, Client, TypedDocumentNode } from '@urql/core';
import { subscriptionStore } from '@urql/svelte';

export interface LiveSubscriptionOptions<Data, Variables extends AnyVariables> {
  client: Client;
  query: TypedDocumentNode<Data, Variables>;
  variables: Variables;
  /** Each event, once. */
  onData: (data: Data) => void;
  /**
   * The stream opened. `reopened` when it is not the first attempt (a stream dropped, or the
   * first failed): events sent meanwhile are lost, so a view that keeps state from them loads
   * it again then.
   */
  onOpen?: (reopened: boolean) => void;
  /** The stream dropped or could not open; a retry is scheduled. */
  onClose?: () => void;
  /** What the stream is fetched with; tests pass a fake. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds before retry number `attempt` (0 for the first retry). */
  retryDelay?: (attempt: number) => number;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Exponential backoff with jitter, so that every wallboard in the building does not come back
 * at the same instant after a gateway restart.
 */
export function defaultRetryDelay(attempt: number): number {
  const base = Math.min(1000 * 2 ** attempt, 30_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** One GraphQL subscription kept open for a view, reopened with backoff whenever it drops. */
export class LiveSubscription<Data, Variables extends AnyVariables = AnyVariables> {
  readonly #options: LiveSubscriptionOptions<Data, Variables>;
  readonly #fetch: typeof fetch;
  readonly #retryDelay: (attempt: number) => number;
  #running = false;
  #everOpen = false;
  #stop: (() => void) | undefined;
  #retry: Timer | undefined;
  #attempt = 0;

  constructor(options: LiveSubscriptionOptions<Data, Variables>) {
    this.#options = options;
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
   * when it opens, so a stream opened anonymously would stay anonymous.
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

  /**
   * urql reports nothing when an event stream opens, only when events arrive; a quiet hub would
   * look "connecting" for minutes. The response headers tell us the stream is open.
   */
  readonly #watchingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // The stream stays open for as long as the view does, so it is background traffic, not part
    // of loading the page: at fetch's default (high) priority the browser schedules it like the
    // view's scripts and queries, and anything watching the network for the end of page load
    // (Lighthouse's "critical requests", a test waiting for network idle) sees a request that
    // never finishes. Browsers' own long-lived streams (EventSource, WebSocket) are exempt from
    // both; low priority says the same of this one.
    const response = await this.#fetch(input, { ...init, priority: 'low' });
    if (response.ok && /text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
      const reopened = this.#everOpen || this.#attempt > 0;
      this.#everOpen = true;
      this.#attempt = 0;
      if (this.#running) this.#options.onOpen?.(reopened);
    }
    // Any other answer (an error as JSON, a proxy's HTML page) ends the stream without urql
    // noticing, so it is treated as a drop.
    else this.#closed();
    return response;
  };

  #open(): void {
    this.#stop?.();
    const store = subscriptionStore({
      client: this.#options.client,
      query: this.#options.query,
      variables: this.#options.variables,
      context: { fetch: this.#watchingFetch },
    });
    // The store repeats the last event's data and error with every state change; each is handled once.
    let seenData: Data | undefined;
    let seenError: unknown;
    this.#stop = store.subscribe((state) => {
      if (state.data && state.data !== seenData) {
        seenData = state.data;
        this.#options.onData(state.data);
      }
      if (state.error && state.error !== seenError) {
        seenError = state.error;
        console.warn('live subscription:', state.error.message);
      }
      if (!state.fetching) this.#closed();
    });
  }

  /** The stream ended or failed: a fresh subscription after a backoff. */
  #closed(): void {
    if (!this.#running || this.#retry) return;
    this.#options.onClose?.();
    this.#retry = setTimeout(
      () => {
        this.#retry = undefined;
        if (this.#running) this.#open();
      },
      this.#retryDelay(this.#attempt++),
    );
  }
}
