import type { AnyVariables, Client, TypedDocumentNode } from '@urql/core';
import { subscriptionStore } from '@urql/svelte';
import { defaultRetryDelay } from '#lib/live-feed.svelte.ts';

export interface LiveSubscriptionOptions<Data, Variables extends AnyVariables> {
  client: Client;
  query: TypedDocumentNode<Data, Variables>;
  variables: Variables;
  /** Each event, once. */
  onData: (data: Data) => void;
  /**
   * The stream (re)opened: events sent while it was down are lost, so a view that keeps state
   * from them loads it again here.
   */
  onOpen?: (reopened: boolean) => void;
  /** What the stream is fetched with; tests pass a fake. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds before retry number `attempt` (0 for the first retry). */
  retryDelay?: (attempt: number) => number;
}

type Timer = ReturnType<typeof setTimeout>;

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

  stop(): void {
    this.#running = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#stop?.();
    this.#stop = undefined;
  }

  /** urql says nothing when an event stream opens; the response headers do. */
  readonly #watchingFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await this.#fetch(input, init);
    if (response.ok && /text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
      this.#attempt = 0;
      const reopened = this.#everOpen;
      this.#everOpen = true;
      if (this.#running) this.#options.onOpen?.(reopened);
    }
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
    this.#retry = setTimeout(
      () => {
        this.#retry = undefined;
        if (this.#running) this.#open();
      },
      this.#retryDelay(this.#attempt++),
    );
  }
}
