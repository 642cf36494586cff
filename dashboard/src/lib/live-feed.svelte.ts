import type { AnyVariables, Client, TypedDocumentNode } from '@urql/core';
import {
  type Reading,
  type ReadingsCommittedData,
  ReadingsCommittedSubscription,
} from '#lib/graphql/queries.ts';
import type { LiveReadings } from '#lib/live-readings.svelte.ts';
import { defaultRetryDelay, LiveSubscription } from '#lib/live-subscription.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveFeedOptions<Data> {
  client: Client;
  /** Loads the view's data with each datastream's latest reading; an Error when it failed. */
  load: (client: Client) => Promise<Data | Error>;
  /** The latest readings inside the loaded data, to start the live state from. */
  latest: (data: Data) => Iterable<Reading>;
  readings: LiveReadings;
  /** The live stream to open; defaults to every committed reading of every datastream. */
  live?: LiveStream;
  /** Sees every reading of the stream as it arrives, before the per-frame coalescing of `readings`. */
  onReadings?: (readings: readonly Reading[]) => void;
  /** What the live stream is fetched with; tests pass a fake. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds before retry number `attempt` (0 for the first retry). */
  retryDelay?: (attempt: number) => number;
}

export interface LiveStream {
  query: TypedDocumentNode<ReadingsCommittedData, AnyVariables>;
  variables: AnyVariables;
}

/** A live stream of readings with its variables, checked against each other here. */
export function liveStream<Variables extends AnyVariables>(
  query: TypedDocumentNode<ReadingsCommittedData, Variables>,
  variables: Variables,
): LiveStream {
  // The pair was type-checked above; the feed only hands both to urql together.
  return { query: query as TypedDocumentNode<ReadingsCommittedData, AnyVariables>, variables };
}

const ALL_READINGS = liveStream(ReadingsCommittedSubscription, {});

type Timer = ReturnType<typeof setTimeout>;

/**
 * Feeds a live view: loads its layout with each datastream's latest reading, and keeps one
 * `readingsCommitted` subscription (all datastreams) open for the whole view, reconnecting with
 * backoff when it drops. After a reconnect the layout loads again: readings committed while the
 * stream was down reach the screen only through it.
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
  readonly #live: LiveSubscription<ReadingsCommittedData>;

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
    const live = options.live ?? ALL_READINGS;
    const onReadings = options.onReadings;
    this.#live = new LiveSubscription({
      client: options.client,
      query: live.query,
      variables: live.variables,
      fetch: options.fetch,
      retryDelay: this.#retryDelay,
      onData: (data) => {
        this.#readings.push(data.readingsCommitted);
        onReadings?.(data.readingsCommitted);
      },
      onOpen: (reopened) => {
        this.#status = 'live';
        if (reopened) void this.#load();
      },
      onClose: () => {
        this.#status = 'reconnecting';
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
      this.#data = result;
      this.#loadFailed = false;
      this.#loadAttempt = 0;
      return;
    }
    console.warn('live view query:', result.message);
    this.#loadFailed = true;
    this.#loadRetry = setTimeout(() => void this.#load(), this.#retryDelay(this.#loadAttempt++));
  }
}
