import { setMaxListeners } from 'node:events';
import type { AlertEventNotice, ReportEvent } from '@bisa/db/notifications.ts';

/** A committed reading as the API serves it. */
export interface ReadingEvent {
  datastreamId: number;
  time: Date;
  value: number;
}

/** Every live topic of the gateway and what one event carries. */
export interface GatewayTopics {
  readingsCommitted: ReadingEvent[];
  reportChanged: ReportEvent;
  alertChanged: AlertEventNotice;
}

/**
 * Events a subscriber may fall behind by before the oldest are dropped for it. Yoga's own
 * createPubSub throws past 1,024 pending events, and it throws inside the publisher's
 * dispatchEvent, where nothing catches it: one stalled client would crash the process. Live
 * views need the newest values, so a subscriber that lags this far loses its oldest events.
 */
export const SUBSCRIBER_BACKLOG = 256;

/** Queues `item` for a subscriber that lags, dropping its oldest once SUBSCRIBER_BACKLOG wait. */
export function queueInBacklog<Item>(backlog: Item[], item: Item): void {
  if (backlog.push(item) > SUBSCRIBER_BACKLOG) backlog.shift();
}

/** One subscriber's events; `return()` stops listening. */
export interface Subscription<Item> extends AsyncIterableIterator<Item> {
  return(): Promise<IteratorResult<Item>>;
}

export interface GatewayPubSub {
  publish<Topic extends keyof GatewayTopics>(topic: Topic, event: GatewayTopics[Topic]): void;
  subscribe<Topic extends keyof GatewayTopics>(topic: Topic): Subscription<GatewayTopics[Topic]>;
}

/**
 * The gateway's typed pub/sub. Events enter from PostgreSQL LISTEN (see gateway.ts), so each
 * replica receives every commit; scaling out needs no other event transport.
 */
export function createGatewayPubSub(): GatewayPubSub {
  const target = new EventTarget();
  // One listener per open subscription: a control room has far more than Node's default of 10,
  // which would log a memory-leak warning for every subscriber beyond it.
  setMaxListeners(0, target);
  return {
    publish(topic, event) {
      target.dispatchEvent(new CustomEvent(topic, { detail: event }));
    },
    subscribe<Topic extends keyof GatewayTopics>(topic: Topic) {
      return subscription<GatewayTopics[Topic]>(target, topic);
    },
  };
}

/**
 * One subscriber's events, in the order published. It starts listening at its first `next()`
 * (a subscription nobody iterates holds no listener) and stops at `return()`; past
 * SUBSCRIBER_BACKLOG waiting events the oldest is dropped. What a Repeater with a SlidingBuffer
 * did, without the half a dozen promises a Repeater makes per event: with 1,000 subscribers
 * those were a tenth of the gateway's time (docs/benchmarks.md).
 */
function subscription<Item>(target: EventTarget, topic: string): Subscription<Item> {
  const backlog: Item[] = [];
  const waiting: ((result: IteratorResult<Item>) => void)[] = [];
  let state: 'idle' | 'listening' | 'done' = 'idle';
  const listener = (event: Event) => {
    const item = (event as CustomEvent<Item>).detail;
    const reader = waiting.shift();
    if (reader) reader({ value: item, done: false });
    else queueInBacklog(backlog, item);
  };
  const ended: IteratorResult<Item> = { value: undefined, done: true };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (state === 'done') return Promise.resolve(ended);
      if (state === 'idle') {
        target.addEventListener(topic, listener);
        state = 'listening';
      }
      if (backlog.length > 0) return Promise.resolve({ value: backlog.shift() as Item, done: false });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      if (state === 'listening') target.removeEventListener(topic, listener);
      state = 'done';
      backlog.length = 0;
      for (const reader of waiting.splice(0)) reader(ended);
      return Promise.resolve(ended);
    },
  };
}

/**
 * Publishes the lists handed to it during one turn of the event loop as one list, in the order
 * they came. PostgreSQL delivers the NOTIFYs of one commit (60 readings each) back to back, and
 * while the gateway is busy sending an event to many subscribers the next commits queue up on
 * its LISTEN connection: they then become one event instead of many, so a busy gateway sends
 * fewer, larger events rather than falling further behind. Nothing is dropped or reordered, and
 * an idle gateway publishes within the same turn's check phase (no timer, no added wait).
 */
export function publishPerTurn<Item>(publish: (items: Item[]) => void): (items: readonly Item[]) => void {
  let pending: Item[] | undefined;
  return (items) => {
    if (pending) {
      pending.push(...items);
      return;
    }
    pending = [...items];
    setImmediate(() => {
      const batch = pending ?? [];
      pending = undefined;
      publish(batch);
    });
  };
}
